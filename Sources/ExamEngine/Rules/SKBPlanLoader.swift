import Foundation
import Yams

/// Reads SKB plans (`Config/rules/skb-*.yaml` with `kind: skb-plan`), reporting every
/// problem with its file, line and key: weights that do not add up to 100, a rule set
/// that is not there, a rubric criterion without a sensible range. The schema is in
/// `Config/rules/README.md`.
public enum SKBPlanLoader {
    /// What marks a file in the rules folder as a plan rather than a rule set.
    public static let kind = "skb-plan"

    /// One plan; `ruleSets` are those a CAT component may name.
    public static func load(file: String, ruleSets: [RuleSet]) throws(BankProblems) -> SKBPlan {
        let log = ProblemLog()
        guard let text = RuleSetLoader.readText(file, log: log), let root = parseYAML(text, file: file, log: log),
            let plan = read(root, file: file, ruleSets: ruleSets, log: log), log.isEmpty
        else { throw BankProblems(log.problems) }
        return plan
    }

    /// Every plan in `directory` (files whose `kind` is `skb-plan`, by file name), and the
    /// problems of those that are broken or that claim a formation or agency another plan has.
    public static func loadAll(directory: String, ruleSets: [RuleSet]) -> (plans: [SKBPlan], problems: [BankProblem]) {
        var plans: [SKBPlan] = []
        var problems: [BankProblem] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let file = (directory as NSString).appendingPathComponent(name)
            guard isPlan(file) else { continue }
            do { plans.append(try load(file: file, ruleSets: ruleSets)) } catch { problems.append(contentsOf: error.problems) }
        }
        var claimed: [String: String] = [:]
        var ids: [String: String] = [:]
        for plan in plans {
            if let other = ids[plan.id] {
                problems.append(
                    BankProblem(code: "duplicate-plan", file: plan.source, line: 1, message: "id rencana SKB '\(plan.id)' sudah dipakai di \(other)")
                )
            }
            ids[plan.id] = plan.source
            let keys: [String] =
                switch plan.scope {
                case .agencies(let agencies): agencies.sorted().map { "instansi \($0)" }
                case .formations(let formations): formations.sorted().map { "formasi \($0)" }
                }
            for key in keys {
                if let other = claimed[key] {
                    problems.append(
                        BankProblem(code: "plan-overlap", file: plan.source, line: nil, message: "\(key) sudah diatur oleh rencana SKB di \(other)")
                    )
                }
                claimed[key] = plan.source
            }
        }
        return (plans, problems)
    }

    /// Whether a file declares `kind: skb-plan` (a rule set has no `kind`).
    static func isPlan(_ file: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8),
            let root = try? Yams.compose(yaml: text), let kind = root.mapping?["kind"]?.string
        else { return false }
        return kind == Self.kind
    }

    static func read(_ root: Node, file: String, ruleSets: [RuleSet], log: ProblemLog) -> SKBPlan? {
        guard let fields = FieldReader(root, file: file, log: log, what: "rencana SKB") else { return nil }
        fields.rejectUnknownKeys(["kind", "id", "name", "agencies", "formations", "components"])
        if let kind = fields.string("kind"), kind != Self.kind { fields.problem("wrong-kind", at: "kind", "kind harus '\(Self.kind)', bukan '\(kind)'") }
        let id = fields.string("id")
        let name = fields.string("name")
        let agencies = names(fields, "agencies")
        let formations = names(fields, "formations")
        var scope: SKBPlan.Scope?
        switch (agencies, formations) {
        case (let agencies?, nil): scope = .agencies(agencies)
        case (nil, let formations?): scope = .formations(formations)
        case (nil, nil): fields.problem("missing-field", "rencana SKB perlu 'agencies' (semua formasi instansi itu) atau 'formations'")
        case (_?, _?): fields.problem("plan-scope", at: "formations", "pilih salah satu: 'agencies' atau 'formations', bukan keduanya")
        }

        var components: [SKBPlan.Component] = []
        var weightTotal = 0
        for (index, node) in (fields.sequence("components") ?? []).enumerated() {
            let key = "components[\(index)]"
            guard let entry = FieldReader(node, file: file, log: log, what: key) else { continue }
            guard let kindText = entry.string("kind") else { continue }
            guard let kind = SKBPlan.ComponentKind(rawValue: kindText) else {
                entry.problem(
                    "unknown-component",
                    at: "kind",
                    "\(key).kind '\(kindText)' tidak dikenal (\(SKBPlan.ComponentKind.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
                continue
            }
            if components.contains(where: { $0.kind == kind }) {
                entry.problem("duplicate-component", at: "kind", "\(key): komponen \(kind.rawValue) disebut dua kali")
            }
            let weight = entry.int("weight")
            if let weight {
                if !(1...100).contains(weight) { entry.problem("out-of-range", at: "weight", "\(key).weight harus 1-100 persen, bukan \(weight)") }
                weightTotal += weight
            }
            var ruleSetID: String?
            var rubric: [SKBPlan.Criterion] = []
            var maximum: Int?
            if kind == .cat {
                entry.rejectUnknownKeys(["kind", "weight", "rule_set"])
                ruleSetID = entry.string("rule_set")
                if let ruleSetID {
                    if let ruleSet = ruleSets.first(where: { $0.id == ruleSetID }) {
                        maximum = ruleSet.subtests.reduce(0) { $0 + $1.maximumScore }
                    } else {
                        entry.problem(
                            "unknown-rule-set",
                            at: "rule_set",
                            "\(key).rule_set: aturan '\(ruleSetID)' tidak ada (yang ada: \(ruleSets.map(\.id).sorted().joined(separator: ", ")))"
                        )
                    }
                }
            } else {
                entry.rejectUnknownKeys(["kind", "weight", "rubric"])
                rubric = readRubric(entry, key: key)
                maximum = rubric.reduce(0) { $0 + $1.maximum }
            }
            if let weight, let maximum, maximum > 0 {
                components.append(SKBPlan.Component(kind: kind, weight: weight, ruleSetID: ruleSetID, rubric: rubric, maximum: maximum))
            } else if maximum == 0 {
                entry.problem("zero-maximum", "\(key): nilai maksimum komponen 0")
            }
        }
        if fields["components"]?.sequence?.isEmpty == true { fields.problem("no-components", at: "components", "rencana SKB tanpa komponen") }
        if fields["components"]?.sequence?.isEmpty == false, weightTotal != 100 {
            fields.problem("weights-not-100", at: "components", "components[].weight berjumlah \(weightTotal), harus 100")
        }
        guard let id, let name, let scope, log.isEmpty else { return nil }
        return SKBPlan(id: id, name: name, scope: scope, components: components, source: file)
    }

    /// A list of ids (`agencies`, `formations`): not empty, each once.
    static func names(_ fields: FieldReader, _ key: String) -> Set<String>? {
        guard let nodes = fields.sequence(key, required: false) else { return nil }
        let names = nodes.compactMap { $0.string?.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty, names.count == nodes.count else {
            fields.problem("empty-field", at: key, "'\(key)' harus daftar id yang tidak kosong")
            return nil
        }
        if Set(names).count != names.count { fields.problem("duplicate-id", at: key, "'\(key)' menyebut id yang sama dua kali") }
        return Set(names)
    }

    /// `rubric`: criteria with a code, a name and a whole-point range `min`..`max`.
    static func readRubric(_ entry: FieldReader, key: String) -> [SKBPlan.Criterion] {
        guard let nodes = entry.sequence("rubric") else { return [] }
        if nodes.isEmpty { entry.problem("empty-rubric", at: "rubric", "\(key).rubric tanpa kriteria") }
        var criteria: [SKBPlan.Criterion] = []
        for (index, node) in nodes.enumerated() {
            let where_ = "\(key).rubric[\(index)]"
            guard let criterion = FieldReader(node, file: entry.file, log: entry.log, what: where_) else { continue }
            criterion.rejectUnknownKeys(["code", "name", "min", "max"])
            guard let code = criterion.string("code"), let name = criterion.string("name"), let minimum = criterion.int("min"),
                let maximum = criterion.int("max")
            else { continue }
            guard minimum >= 0, minimum < maximum, maximum <= 1000 else {
                criterion.problem("rubric-range", at: "max", "\(where_) (\(code)): rentang harus 0 ≤ min < max ≤ 1000, bukan \(minimum)-\(maximum)")
                continue
            }
            if criteria.contains(where: { $0.code == code }) {
                criterion.problem("duplicate-criterion", at: "code", "\(where_): kriteria '\(code)' disebut dua kali")
            }
            criteria.append(SKBPlan.Criterion(code: code, name: name, minimum: minimum, maximum: maximum))
        }
        return criteria
    }
}
