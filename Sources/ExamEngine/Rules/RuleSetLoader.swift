import Foundation
import SeleksiCore
import Yams

/// Reads rule sets from `Config/rules/*.yaml`, reporting every problem with its line.
public enum RuleSetLoader {
    /// Loads one rule-set file, or every problem in it.
    public static func load(file: String) throws(BankProblems) -> RuleSet {
        let log = ProblemLog()
        guard let text = readText(file, log: log), let root = parseYAML(text, file: file, log: log),
            let ruleSet = read(root, file: file, log: log), log.isEmpty
        else { throw BankProblems(log.problems) }
        return ruleSet
    }

    /// Loads every `*.yaml` rule set in `directory` (sorted by file name; SKB plans are
    /// left to `SKBPlanLoader`). A broken file
    /// contributes its problems and no rule set.
    public static func loadAll(directory: String) -> (ruleSets: [RuleSet], problems: [BankProblem]) {
        var ruleSets: [RuleSet] = []
        var problems: [BankProblem] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        if names.isEmpty {
            problems.append(BankProblem(code: "no-rule-sets", file: directory, line: nil, message: "tidak ada aturan (*.yaml) di folder ini"))
        }
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let file = (directory as NSString).appendingPathComponent(name)
            // An SKB plan shares the folder (`kind: skb-plan`); `SKBPlanLoader` reads it.
            guard !SKBPlanLoader.isPlan(file) else { continue }
            do {
                ruleSets.append(try load(file: file))
            } catch {
                problems.append(contentsOf: error.problems)
            }
        }
        var seen: [String: String] = [:]
        for ruleSet in ruleSets {
            if let other = seen[ruleSet.id] {
                problems.append(
                    BankProblem(code: "duplicate-rule-set", file: ruleSet.source, line: 1, message: "id aturan '\(ruleSet.id)' sudah dipakai di \(other)")
                )
            }
            seen[ruleSet.id] = ruleSet.source
        }
        return (ruleSets, problems)
    }

    static func readText(_ file: String, log: ProblemLog) -> String? {
        guard let data = FileManager.default.contents(atPath: file) else {
            log.add("unreadable", file, nil, "berkas tidak dapat dibaca")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            log.add("not-utf8", file, nil, "berkas bukan teks UTF-8")
            return nil
        }
        return text
    }

    // MARK: - Reading the schema (documented in Config/rules/README.md)

    static func read(_ root: Node, file: String, log: ProblemLog) -> RuleSet? {
        guard let fields = FieldReader(root, file: file, log: log, what: "aturan") else { return nil }
        fields.rejectUnknownKeys(["id", "name", "bank", "duration_minutes", "subtests", "passing_grades", "accommodations", "selection"])
        let id = fields.string("id")
        let name = fields.string("name")
        let bank = fields.string("bank")
        let duration = fields.int("duration_minutes")
        if let duration, duration <= 0 { fields.problem("out-of-range", at: "duration_minutes", "durasi harus lebih dari 0 menit") }

        var subtests: [SubtestRule] = []
        if let nodes = fields.sequence("subtests") {
            if nodes.isEmpty { fields.problem("no-subtests", at: "subtests", "aturan harus punya sedikitnya satu subtes") }
            for node in nodes {
                if let rule = readSubtest(node, file: file, log: log) {
                    if subtests.contains(where: { $0.code == rule.code }) {
                        log.add("duplicate-subtest", file, node.line, "subtes \(rule.code) disebut dua kali")
                    }
                    subtests.append(rule)
                }
            }
        }
        let grades = readPassingGrades(fields, subtests: subtests)
        let accommodations = readAccommodations(fields)
        let selection = readSelection(fields, subtests: subtests)
        guard let id, let name, let bank, let duration else { return nil }
        return RuleSet(
            id: id,
            name: name,
            bankID: bank,
            durationMinutes: duration,
            subtests: subtests,
            passingGrades: grades,
            accommodations: accommodations,
            selection: selection,
            source: file
        )
    }

    private static func readSelection(_ fields: FieldReader, subtests: [SubtestRule]) -> SelectionRule? {
        guard fields.submapping("selection", required: false) != nil, let node = fields.mapping["selection"],
            let entry = FieldReader(node, file: fields.file, log: fields.log, what: "seleksi")
        else { return nil }
        entry.rejectUnknownKeys(["multiplier", "tie_break", "final"])
        guard let multiplier = entry.int("multiplier"), let list = entry.sequence("tie_break") else { return nil }
        if multiplier < 1 { entry.problem("out-of-range", at: "multiplier", "pengali harus minimal 1") }
        var order: [String] = []
        for item in list {
            guard let code = item.string, subtests.contains(where: { $0.code == code }) else {
                fields.log.add(
                    "unknown-subtest",
                    fields.file,
                    item.line,
                    "urutan penentu peringkat menyebut subtes '\(item.string ?? "?")' yang tidak ada dalam aturan ini"
                )
                continue
            }
            if order.contains(code) { fields.log.add("duplicate-subtest", fields.file, item.line, "subtes \(code) disebut dua kali di tie_break") }
            order.append(code)
        }
        return SelectionRule(multiplier: multiplier, tieBreak: order, final: readFinal(entry))
    }

    /// `selection.final`: `skd_weight` and `skb_weight` (percent, together 100) and
    /// `optimization` (`other_type`, `other_unit`, in the order they are tried).
    private static func readFinal(_ selection: FieldReader) -> FinalRule? {
        guard selection.submapping("final", required: false) != nil, let node = selection.mapping["final"],
            let entry = FieldReader(node, file: selection.file, log: selection.log, what: "integrasi akhir")
        else { return nil }
        entry.rejectUnknownKeys(["skd_weight", "skb_weight", "optimization"])
        guard let skd = entry.int("skd_weight"), let skb = entry.int("skb_weight") else { return nil }
        var valid = true
        for (key, weight) in [("skd_weight", skd), ("skb_weight", skb)] where !(0...100).contains(weight) {
            entry.problem("out-of-range", at: key, "selection.final.\(key): bobot harus 0-100 persen, bukan \(weight)")
            valid = false
        }
        if valid, skd + skb != 100 {
            entry.problem(
                "weights-not-100",
                at: "skb_weight",
                "selection.final: skd_weight (\(skd)) dan skb_weight (\(skb)) harus berjumlah 100, bukan \(skd + skb)"
            )
            valid = false
        }
        var optimization: [FinalRule.Optimization] = []
        for item in entry.sequence("optimization", required: false) ?? [] {
            guard let value = item.string.flatMap(FinalRule.Optimization.init(rawValue:)) else {
                entry.log.add(
                    "unknown-optimization",
                    entry.file,
                    item.line,
                    "selection.final.optimization: '\(item.string ?? "?")' tidak dikenal (\(FinalRule.Optimization.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
                valid = false
                continue
            }
            if optimization.contains(value) {
                entry.log.add("duplicate-optimization", entry.file, item.line, "selection.final.optimization: \(value.rawValue) disebut dua kali")
                valid = false
            }
            optimization.append(value)
        }
        return valid ? FinalRule(skdWeight: skd, skbWeight: skb, optimization: optimization) : nil
    }

    private static func readSubtest(_ node: Node, file: String, log: ProblemLog) -> SubtestRule? {
        guard let fields = FieldReader(node, file: file, log: log, what: "subtes") else { return nil }
        fields.rejectUnknownKeys(["code", "name", "items", "scoring", "topics", "difficulty", "passages"])
        let code = fields.string("code")
        let name = fields.string("name")
        let items = fields.int("items")
        if let items, items <= 0 { fields.problem("out-of-range", at: "items", "jumlah soal harus lebih dari 0") }
        let scoring = readScoring(fields)

        var quotas: [TopicQuota] = []
        if let topics = fields.submapping("topics", required: false) {
            for (key, value) in topics {
                guard let topic = key.string, let count = value.int, count >= 0 else {
                    log.add("wrong-type", file, key.line, "kuota topik harus 'topik: jumlah' dengan jumlah ≥ 0")
                    continue
                }
                quotas.append(TopicQuota(topic: topic, count: count))
            }
            let sum = quotas.reduce(0) { $0 + $1.count }
            if let items, sum > items {
                fields.problem("quota-exceeds-items", at: "topics", "jumlah kuota topik (\(sum)) melebihi jumlah soal (\(items))")
            }
        }

        var difficulty: [Int]?
        if let mix = fields.submapping("difficulty", required: false) {
            var percent = [0, 0, 0]
            var valid = true
            for (key, value) in mix {
                guard let level = key.int, (1...3).contains(level), let share = value.int, share >= 0 else {
                    log.add("wrong-type", file, key.line, "campuran kesulitan harus '1: persen', '2: persen', '3: persen'")
                    valid = false
                    continue
                }
                percent[level - 1] = share
            }
            if valid, percent.reduce(0, +) != 100 {
                fields.problem("difficulty-sum", at: "difficulty", "persentase kesulitan berjumlah \(percent.reduce(0, +)), harus 100")
                valid = false
            }
            if valid { difficulty = percent }
        }
        var passagesTogether = false
        if let order = fields.string("passages", required: false) {
            switch order {
            case "together": passagesTogether = true
            case "shuffled": passagesTogether = false
            default: fields.problem("wrong-type", at: "passages", "'passages' harus 'together' atau 'shuffled', bukan '\(order)'")
            }
        }
        guard let code, let name, let items, let scoring else { return nil }
        return SubtestRule(
            code: code,
            name: name,
            items: items,
            scoring: scoring,
            topicQuotas: quotas,
            difficultyPercent: difficulty,
            passagesTogether: passagesTogether,
            line: node.line
        )
    }

    private static func readScoring(_ subtest: FieldReader) -> SubtestScoring? {
        guard let node = subtest["scoring"] else {
            subtest.problem("missing-field", "kolom 'scoring' wajib diisi")
            return nil
        }
        guard var fields = FieldReader(node, file: subtest.file, log: subtest.log, what: "scoring") else { return nil }
        fields.itemID = nil
        fields.rejectUnknownKeys(["correct", "wrong", "blank", "weights"])
        let blank = fields.int("blank", required: false) ?? 0
        if fields["weights"] != nil {
            if fields["correct"] != nil || fields["wrong"] != nil {
                fields.problem("mixed-scoring", "scoring memakai 'weights' atau 'correct', tidak keduanya")
            }
            guard let weightNode = fields["weights"],
                let weights = FieldReader(weightNode, file: fields.file, log: fields.log, what: "weights")
            else { return nil }
            weights.rejectUnknownKeys(["min", "max", "distinct"])
            guard let min = weights.int("min"), let max = weights.int("max") else { return nil }
            guard min <= max else {
                weights.problem("out-of-range", "bobot min (\(min)) lebih besar dari max (\(max))")
                return nil
            }
            return .weighted(min: min, max: max, distinct: weights.bool("distinct") ?? false, blank: blank)
        }
        guard let correct = fields.int("correct") else { return nil }
        return .rightWrong(correct: correct, wrong: fields.int("wrong", required: false) ?? 0, blank: blank)
    }

    private static func readPassingGrades(_ fields: FieldReader, subtests: [SubtestRule]) -> [FormationType: [Threshold]]? {
        guard let grades = fields.submapping("passing_grades", required: false) else { return nil }
        var result: [FormationType: [Threshold]] = [:]
        for (key, value) in grades {
            guard let type = key.string.flatMap(FormationType.init(rawValue:)) else {
                fields.log.add(
                    "unknown-formation-type",
                    fields.file,
                    key.line,
                    "jenis formasi '\(key.string ?? "?")' tidak dikenal (yang dikenal: \(FormationType.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
                continue
            }
            guard let map = value.mapping else {
                fields.log.add("wrong-type", fields.file, value.line, "ambang batas \(type.rawValue) harus berupa pemetaan 'SUBTES: nilai'")
                continue
            }
            var thresholds: [Threshold] = []
            for (name, minimum) in map {
                guard let code = name.string, let value = minimum.int else {
                    fields.log.add("wrong-type", fields.file, name.line, "ambang batas harus 'SUBTES: nilai' atau 'total: nilai'")
                    continue
                }
                if code != "total", !subtests.contains(where: { $0.code == code }) {
                    fields.log.add("unknown-subtest", fields.file, name.line, "ambang batas menyebut subtes '\(code)' yang tidak ada dalam aturan ini")
                }
                thresholds.append(Threshold(subtest: code == "total" ? nil : code, minimum: value))
            }
            result[type] = thresholds
        }
        // A rule set with passing grades must say what passes for every formation type:
        // a candidate must never be scored against a grade that is missing.
        let missing = FormationType.allCases.filter { result[$0] == nil }
        if !result.isEmpty, !missing.isEmpty {
            fields.problem(
                "missing-passing-grade",
                at: "passing_grades",
                "ambang batas belum ada untuk jenis formasi: \(missing.map(\.rawValue).joined(separator: ", "))"
            )
        }
        return result
    }

    private static func readAccommodations(_ fields: FieldReader) -> [String: Accommodation] {
        guard let map = fields.submapping("accommodations", required: false) else { return [:] }
        var result: [String: Accommodation] = [:]
        for (key, value) in map {
            guard let name = key.string,
                let entry = FieldReader(value, file: fields.file, log: fields.log, what: "akomodasi")
            else { continue }
            entry.rejectUnknownKeys(["extra_minutes", "formation_types"])
            guard let minutes = entry.int("extra_minutes") else { continue }
            var types: Set<FormationType>?
            if let list = entry.sequence("formation_types", required: false) {
                var set = Set<FormationType>()
                for node in list {
                    if let type = node.string.flatMap(FormationType.init(rawValue:)) {
                        set.insert(type)
                    } else {
                        fields.log.add("unknown-formation-type", fields.file, node.line, "jenis formasi '\(node.string ?? "?")' tidak dikenal")
                    }
                }
                types = set
            }
            result[name] = Accommodation(name: name, extraMinutes: minutes, formationTypes: types)
        }
        return result
    }
}
