import Foundation
import Yams

/// Loads question banks from their YAML folders (format: `QuestionBanks/README.md`).
///
/// Every problem is collected, with file, line and item id, and a bank with any problem
/// is refused whole: a broken bank never crashes the program and never loads half.
public enum BankLoader {
    public static let manifestName = "bank.yaml"

    /// The bank folders under `directory`: the folder itself when it holds a
    /// `bank.yaml`, otherwise each subfolder that does (sorted).
    public static func bankDirectories(in directory: String) -> [String] {
        let manager = FileManager.default
        if manager.fileExists(atPath: join(directory, manifestName)) { return [directory] }
        let names = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().map { join(directory, $0) }.filter { manager.fileExists(atPath: join($0, manifestName)) }
    }

    /// Loads every bank under `directory`; broken banks give their problems instead.
    public static func loadLibrary(directory: String, ruleSets: [RuleSet]) -> (banks: [QuestionBank], problems: [BankProblem]) {
        let folders = bankDirectories(in: directory)
        guard !folders.isEmpty else {
            return ([], [BankProblem(code: "no-bank", file: directory, line: nil, message: "tidak ada bank soal (\(manifestName)) di folder ini")])
        }
        var banks: [QuestionBank] = []
        var problems: [BankProblem] = []
        for folder in folders {
            do {
                banks.append(try load(directory: folder, ruleSets: ruleSets))
            } catch {
                problems.append(contentsOf: error.problems)
            }
        }
        return (banks, problems)
    }

    /// Finds the bank a rule set names, among the banks under `directory`.
    public static func load(bankID: String, under directory: String, ruleSets: [RuleSet]) throws(BankProblems) -> QuestionBank {
        for folder in bankDirectories(in: directory) {
            let log = ProblemLog()
            if let manifest = readManifest(folder: folder, log: log), manifest.id == bankID {
                return try load(directory: folder, ruleSets: ruleSets)
            }
        }
        throw BankProblems([BankProblem(code: "no-bank", file: directory, line: nil, message: "bank soal '\(bankID)' tidak ditemukan di folder ini")])
    }

    /// Loads one bank folder and checks it against the rule sets that draw from it.
    public static func load(directory: String, ruleSets: [RuleSet]) throws(BankProblems) -> QuestionBank {
        let log = ProblemLog()
        guard let manifest = readManifest(folder: directory, log: log) else { throw BankProblems(log.problems) }
        var items: [Item] = []
        var firstSeen: [String: SourceLocation] = [:]
        var passages: [String: Passage] = [:]
        var references: [(index: Int, reference: PassageReference)] = []
        var refused: Set<String> = []
        var namedByRefused: Set<String> = []
        let shelf = ImageShelf(directory: directory)
        for file in itemFiles(in: directory) {
            let content = readItemFile(file, manifest: manifest, log: log, shelf: shelf)
            refused.formUnion(content.refused)
            namedByRefused.formUnion(content.namedByRefused)
            for passage in content.passages {
                if let earlier = passages[passage.id] {
                    log.add("duplicate-passage", file, passage.origin.line, "bacaan \(passage.id): id ganda, sudah dipakai di \(earlier.origin)")
                    continue
                }
                passages[passage.id] = passage
            }
            for (item, reference) in content.items {
                if let earlier = firstSeen[item.id] {
                    log.add("duplicate-id", item.origin.file, item.origin.line, item: item.id, "id ganda: sudah dipakai di \(earlier)")
                    if let reference { namedByRefused.insert(reference.id) }
                    continue
                }
                firstSeen[item.id] = item.origin
                if let reference { references.append((items.count, reference)) }
                items.append(item)
            }
        }
        resolvePassages(
            &items,
            references: references.filter { !refused.contains($0.reference.id) },
            passages: passages,
            namedElsewhere: namedByRefused,
            log: log
        )
        let users = ruleSets.filter { $0.bankID == manifest.id }
        log.append(contentsOf: BankRuleCheck.problems(items: items, manifest: manifest, manifestFile: join(directory, manifestName), ruleSets: users))
        guard log.isEmpty else { throw BankProblems(log.problems) }
        return QuestionBank(manifest: manifest, items: items, directory: directory, images: shelf.images)
    }

    // MARK: - Manifest

    static func readManifest(folder: String, log: ProblemLog) -> BankManifest? {
        let file = join(folder, manifestName)
        guard let text = RuleSetLoader.readText(file, log: log), let root = parseYAML(text, file: file, log: log),
            let fields = FieldReader(root, file: file, log: log, what: "manifes bank")
        else { return nil }
        fields.rejectUnknownKeys(["bank", "version", "title", "options", "subtests"])
        let id = fields.string("bank")
        let version = fields.string("version")
        let title = fields.string("title", required: false) ?? id ?? ""
        var optionCount = 4...5
        if let options = fields["options"], let range = FieldReader(options, file: file, log: log, what: "options") {
            range.rejectUnknownKeys(["min", "max"])
            if let min = range.int("min"), let max = range.int("max") {
                if 2 <= min, min <= max, max <= ItemOption.letters.count {
                    optionCount = min...max
                } else {
                    range.problem("out-of-range", "jumlah opsi harus 2 ≤ min ≤ max ≤ \(ItemOption.letters.count)")
                }
            }
        }
        var subtests: [BankSubtest] = []
        if let map = fields.submapping("subtests") {
            for (key, value) in map {
                guard let code = key.string, let entry = FieldReader(value, file: file, log: log, what: "subtes") else { continue }
                entry.rejectUnknownKeys(["name", "topics"])
                let name = entry.string("name") ?? code
                var topics: [BankTopic] = []
                if let topicMap = entry.submapping("topics") {
                    for (topicKey, topicName) in topicMap {
                        guard let topicCode = topicKey.string else { continue }
                        topics.append(BankTopic(code: topicCode, name: topicName.string ?? topicCode))
                    }
                }
                if topics.isEmpty { entry.problem("no-topics", "subtes \(code) belum punya topik") }
                subtests.append(BankSubtest(code: code, name: name, topics: topics))
            }
        }
        guard let id, let version, log.isEmpty else { return nil }
        return BankManifest(id: id, version: version, title: title, optionCount: optionCount, subtests: subtests)
    }

    // MARK: - Item files

    /// Every `*.yaml` below the folder except the manifest, in a stable order.
    static func itemFiles(in directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String {
            guard path.hasSuffix(".yaml") || path.hasSuffix(".yml"), path != manifestName else { continue }
            files.append(path)
        }
        return files.sorted().map { join(directory, $0) }
    }

    /// An item's `passage:`, resolved once every file is read (a passage may be written
    /// in another file than its items).
    struct PassageReference {
        let id: String
        let line: Int?
    }

    /// What one item file holds.
    struct ItemFileContent {
        var items: [(item: Item, passage: PassageReference?)] = []
        var passages: [Passage] = []
        /// Passages written but refused (their problems are told): not also unknown to their items.
        var refused: Set<String> = []
        /// Passages named by items that were refused: not also unused.
        var namedByRefused: Set<String> = []
    }

    static func readItemFile(_ file: String, manifest: BankManifest, log: ProblemLog, shelf: ImageShelf) -> ItemFileContent {
        var content = ItemFileContent()
        guard let text = RuleSetLoader.readText(file, log: log), let root = parseYAML(text, file: file, log: log),
            let fields = FieldReader(root, file: file, log: log, what: "berkas soal")
        else { return content }
        fields.rejectUnknownKeys(["items", "templates", "passages"])
        if fields["items"] == nil, fields["templates"] == nil {
            fields.problem("missing-field", "berkas soal harus berisi 'items:' atau 'templates:'")
        }
        for node in fields.sequence("passages", required: false) ?? [] {
            if let passage = readPassage(node, file: file, log: log, shelf: shelf) {
                content.passages.append(passage)
            } else if let id = node.mapping?["id"]?.string {
                content.refused.insert(id)
            }
        }
        for node in fields.sequence("items", required: false) ?? [] {
            if let read = readItem(node, file: file, manifest: manifest, log: log, shelf: shelf) {
                content.items.append(read)
            } else if let passage = node.mapping?["passage"]?.string {
                content.namedByRefused.insert(passage)
            }
        }
        for node in fields.sequence("templates", required: false) ?? [] {
            for item in readTemplate(node, file: file, manifest: manifest, log: log, shelf: shelf) { content.items.append((item, nil)) }
        }
        return content
    }

    /// Puts each item with the passage it names (`namedElsewhere`: passages named by
    /// items refused for their own problems). Refused: a passage no item names, one
    /// that does not exist, and one named from two subtests (its items could not stand
    /// together on a paper).
    static func resolvePassages(
        _ items: inout [Item],
        references: [(index: Int, reference: PassageReference)],
        passages: [String: Passage],
        namedElsewhere: Set<String>,
        log: ProblemLog
    ) {
        var subtestOf: [String: (subtest: String, item: String)] = [:]
        for (index, reference) in references {
            let item = items[index]
            guard let passage = passages[reference.id] else {
                let known = passages.keys.sorted().joined(separator: ", ")
                log.add(
                    "unknown-passage",
                    item.origin.file,
                    reference.line,
                    item: item.id,
                    "bacaan '\(reference.id)' tidak ada di bank ini" + (known.isEmpty ? "" : " (yang ada: \(known))")
                )
                continue
            }
            if let first = subtestOf[passage.id], first.subtest != item.subtest {
                log.add(
                    "passage-across-subtests",
                    item.origin.file,
                    reference.line,
                    item: item.id,
                    "bacaan '\(passage.id)' sudah dipakai soal \(first.item) di subtes \(first.subtest); satu bacaan hanya untuk satu subtes"
                )
                continue
            }
            subtestOf[passage.id] = subtestOf[passage.id] ?? (item.subtest, item.id)
            items[index] = item.with(passage: passage)
        }
        for passage in passages.values.sorted(by: { ($0.origin.file, $0.origin.line) < ($1.origin.file, $1.origin.line) })
        where subtestOf[passage.id] == nil && !namedElsewhere.contains(passage.id) {
            log.add("unused-passage", passage.origin.file, passage.origin.line, "bacaan \(passage.id) tidak dipakai soal mana pun")
        }
    }

    /// A passage: `id`, `version`, `text`, and `markup: true` for a rich one.
    static func readPassage(_ node: Node, file: String, log: ProblemLog, shelf: ImageShelf) -> Passage? {
        guard let fields = FieldReader(node, file: file, log: log, what: "bacaan") else { return nil }
        let before = log.problems.count
        fields.rejectUnknownKeys(["id", "version", "text", "markup"])
        let id = fields.string("id")
        if let id, id.unicodeScalars.contains(where: { !idCharacters.contains($0) }) {
            fields.problem("bad-id", at: "id", "id bacaan hanya boleh berisi huruf, angka, '-', '_' dan '.'")
        }
        let version = fields.int("version")
        if let version, version < 1 { fields.problem("out-of-range", at: "version", "versi harus 1 atau lebih") }
        let markup = fields.bool("markup") ?? false
        var images: [String] = []
        var text = fields.string("text")
        if markup, let written = text {
            text = richText(written, fields, at: "text", shelf: shelf, shown: true, images: &images, label: "bacaan \(id ?? "?"): ")
        }
        guard log.problems.count == before, let id, let version, let text else { return nil }
        return Passage(id: id, version: version, text: text, markup: markup, images: images, origin: SourceLocation(file: file, line: node.line ?? 0))
    }

    /// A rich text written out again from its checked parts; nil, with the problem
    /// recorded on the line inside the text where the markup says so, when refused.
    private static func richText(
        _ text: String,
        _ reader: FieldReader,
        at key: String,
        shelf: ImageShelf,
        shown: Bool,
        images: inout [String],
        label: String = ""
    ) -> String? {
        do throws(ImageShelf.MarkupRefusal) {
            return try shelf.markup(text, shown: shown, images: &images)
        } catch {
            guard let inner = error.line else {
                reader.problem(error.code, at: key, label + error.message)
                return nil
            }
            // The line inside the text, counted from the key's (a block scalar starts on the next one).
            let block = reader[key]?.scalar.map { $0.style == .literal || $0.style == .folded } ?? false
            reader.log.add(error.code, reader.file, (reader.lineOf(key) ?? 0) + inner - 1 + (block ? 1 : 0), item: reader.itemID, label + error.message)
            return nil
        }
    }

    /// The fields every item and template share: id, version, subtest, topic, difficulty.
    private struct Header {
        let id: String
        let version: Int
        let subtest: String
        let topic: String
        let difficulty: Int
    }

    private static let idCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

    private static func readHeader(_ fields: inout FieldReader, manifest: BankManifest) -> Header? {
        let id = fields.string("id")
        if let id {
            fields.itemID = id
            if id.unicodeScalars.contains(where: { !idCharacters.contains($0) }) {
                fields.problem("bad-id", at: "id", "id hanya boleh berisi huruf, angka, '-', '_' dan '.'")
            }
        }
        let version = fields.int("version")
        if let version, version < 1 { fields.problem("out-of-range", at: "version", "versi harus 1 atau lebih") }
        let subtest = fields.string("subtest")
        let topic = fields.string("topic")
        let difficulty = fields.int("difficulty")
        if let difficulty, !(1...3).contains(difficulty) {
            fields.problem("difficulty-out-of-range", at: "difficulty", "tingkat kesulitan \(difficulty) di luar 1..3")
        }
        if let subtest {
            if let declared = manifest.subtest(subtest) {
                if let topic, !declared.hasTopic(topic) {
                    fields.problem(
                        "unknown-topic",
                        at: "topic",
                        "topik '\(topic)' tidak dikenal untuk subtes \(subtest) (yang dikenal: \(declared.topics.map(\.code).joined(separator: ", ")))"
                    )
                }
            } else {
                fields.problem(
                    "unknown-subtest",
                    at: "subtest",
                    "subtes '\(subtest)' tidak dikenal di bank \(manifest.id) (yang dikenal: \(manifest.subtests.map(\.code).joined(separator: ", ")))"
                )
            }
        }
        guard let id, let version, let subtest, let topic, let difficulty else { return nil }
        return Header(id: id, version: version, subtest: subtest, topic: topic, difficulty: difficulty)
    }

    static func readItem(_ node: Node, file: String, manifest: BankManifest, log: ProblemLog, shelf: ImageShelf) -> (Item, PassageReference?)? {
        guard var fields = FieldReader(node, file: file, log: log, what: "soal") else { return nil }
        let before = log.problems.count
        fields.rejectUnknownKeys(["id", "version", "subtest", "topic", "difficulty", "stem", "options", "explanation", "shuffle", "markup", "passage"])
        let header = readHeader(&fields, manifest: manifest)
        // `markup: true`: stem, option texts and explanation are `ItemMarkup`, kept as
        // written out again from their checked parts.
        let markup = fields.bool("markup") ?? false
        var images: [String] = []
        // An explanation's figures are checked but are not the item's: never shown in the
        // exam, they are neither in the paper nor served (one could be the right option's).
        func rich(_ text: String?, _ reader: FieldReader, at key: String) -> String? {
            guard markup, let text else { return text }
            return richText(text, reader, at: key, shelf: shelf, shown: key != "explanation", images: &images)
        }
        let passage = fields.string("passage", required: false).map { PassageReference(id: $0, line: fields.lineOf("passage")) }
        let stem = rich(fields.string("stem"), fields, at: "stem")
        let explanation = rich(fields.string("explanation", required: false), fields, at: "explanation")
        // `shuffle: false`: the options keep their places on every paper (every one fixed).
        let keepInPlace = fields.bool("shuffle") == false
        var options: [ItemOption] = []
        if let nodes = fields.sequence("options") {
            if !manifest.optionCount.contains(nodes.count) {
                fields.problem(
                    "option-count",
                    at: "options",
                    "\(nodes.count) opsi; bank ini meminta \(manifest.optionCount.lowerBound)..\(manifest.optionCount.upperBound) opsi"
                )
            }
            for (index, optionNode) in nodes.prefix(ItemOption.letters.count).enumerated() {
                guard let option = FieldReader(optionNode, file: file, log: log, what: "opsi", itemID: fields.itemID) else { continue }
                option.rejectUnknownKeys(["text", "correct", "weight", "fixed"])
                let letter = ItemOption.letters[index]
                guard let written = option.string("text", required: false, nonEmpty: false), !written.isEmpty else {
                    option.problem("empty-option", "opsi \(letter) kosong")
                    continue
                }
                guard let text = rich(written, option, at: "text") else { continue }
                options.append(
                    ItemOption(
                        id: letter,
                        text: text,
                        correct: option.bool("correct") ?? false,
                        weight: option.int("weight", required: false),
                        fixed: keepInPlace || (option.bool("fixed") ?? false)
                    )
                )
            }
            if Set(options.map(\.text)).count < options.count {
                fields.problem("duplicate-option", at: "options", "dua opsi berisi teks yang sama")
            }
        }
        let key = readKey(options, fields: fields)
        guard log.problems.count == before, let header, let stem, let key else { return nil }
        let item = Item(
            id: header.id,
            version: header.version,
            subtest: header.subtest,
            topic: header.topic,
            difficulty: header.difficulty,
            stem: stem,
            options: options,
            explanation: explanation,
            key: key,
            origin: SourceLocation(file: file, line: node.line ?? 0),
            markup: markup,
            images: images
        )
        return (item, passage)
    }

    /// The key an item's options declare, structurally: exactly one correct option, or a
    /// weight on every option. Whether it suits the subtest is `BankRuleCheck`'s job.
    private static func readKey(_ options: [ItemOption], fields: FieldReader) -> ItemKey? {
        guard !options.isEmpty else { return nil }
        let weighted = options.filter { $0.weight != nil }
        let correct = options.indices.filter { options[$0].correct }
        if !weighted.isEmpty {
            if !correct.isEmpty {
                fields.problem("mixed-key", at: "options", "soal memakai 'correct' dan 'weight' bersamaan; pilih salah satu")
                return nil
            }
            if weighted.count < options.count {
                let missing = options.filter { $0.weight == nil }.map(\.id).joined(separator: ", ")
                fields.problem("missing-weight", at: "options", "soal berbobot: opsi \(missing) belum punya bobot")
                return nil
            }
            return .weights(options.map { $0.weight! })
        }
        switch correct.count {
        case 0:
            fields.problem("no-correct-option", at: "options", "tidak ada opsi yang ditandai 'correct: true'")
            return nil
        case 1:
            return .correct(optionIndex: correct[0])
        default:
            let letters = correct.map { ItemOption.letters[$0] }.joined(separator: ", ")
            fields.problem("extra-correct-option", at: "options", "lebih dari satu opsi benar (\(letters)); harus tepat satu")
            return nil
        }
    }

    // MARK: - Templates

    /// A template instance with `markup: true`: its stem and explanation read as
    /// `ItemMarkup` (the option texts are its numbers).
    static func richInstance(_ item: Item, shelf: ImageShelf, log: ProblemLog) -> Item? {
        var images: [String] = []
        func rich(_ text: String?, shown: Bool = true) -> String?? {
            guard let text else { return .some(nil) }
            do throws(ImageShelf.MarkupRefusal) {
                return .some(try shelf.markup(text, shown: shown, images: &images))
            } catch {
                log.add(error.code, item.origin.file, item.origin.line, item: item.id, error.message)
                return nil
            }
        }
        guard case .some(.some(let stem)) = rich(item.stem), case .some(let explanation) = rich(item.explanation, shown: false) else { return nil }
        let options = item.options.map {
            ItemOption(id: $0.id, text: ItemMarkup.escaped($0.text, quote: false), correct: $0.correct, weight: $0.weight, fixed: $0.fixed)
        }
        return Item(
            id: item.id,
            version: item.version,
            subtest: item.subtest,
            topic: item.topic,
            difficulty: item.difficulty,
            stem: stem,
            options: options,
            explanation: explanation,
            key: item.key,
            origin: item.origin,
            templateID: item.templateID,
            markup: true,
            images: images
        )
    }

    static func readTemplate(_ node: Node, file: String, manifest: BankManifest, log: ProblemLog, shelf: ImageShelf) -> [Item] {
        guard var fields = FieldReader(node, file: file, log: log, what: "templat") else { return [] }
        let before = log.problems.count
        fields.rejectUnknownKeys([
            "id", "version", "subtest", "topic", "difficulty", "stem", "answer", "distractors", "compare", "explanation", "instances", "markup",
        ])
        let markup = fields.bool("markup") ?? false
        let header = readHeader(&fields, manifest: manifest)
        func text(_ key: String, required: Bool) -> TemplateText? {
            guard let source = fields.string(key, required: required) else { return nil }
            do {
                return try TemplateText.parse(source)
            } catch {
                fields.problem("expression-syntax", at: key, "\(key): \(error)")
                return nil
            }
        }
        func expression(_ node: Node) -> (TemplateExpression, String)? {
            guard let source = node.string else {
                log.add("wrong-type", file, node.line, item: fields.itemID, "ungkapan harus berupa teks")
                return nil
            }
            do {
                return (try TemplateExpression.parse(source), source)
            } catch {
                log.add("expression-syntax", file, node.line, item: fields.itemID, "\(error)")
                return nil
            }
        }
        let stem = text("stem", required: true)
        let explanation = text("explanation", required: false)
        var answer: ItemTemplate.Answer?
        if let compare = fields.sequence("compare", required: false) {
            if fields["answer"] != nil || fields["distractors"] != nil {
                fields.problem("mixed-key", at: "compare", "templat memakai 'compare' atau 'answer'/'distractors', tidak keduanya")
            } else if compare.count != 2 {
                fields.problem("wrong-type", at: "compare", "'compare' harus berisi tepat dua ungkapan: [P, Q]")
            } else if let p = expression(compare[0]), let q = expression(compare[1]) {
                answer = .compare(p: p.0, pSource: p.1, q: q.0, qSource: q.1)
            }
        } else if let answerNode = fields["answer"], let correct = expression(answerNode), let list = fields.sequence("distractors") {
            let distractors = list.compactMap(expression)
            let count = distractors.count + 1
            if !manifest.optionCount.contains(count) {
                fields.problem(
                    "option-count",
                    at: "distractors",
                    "\(count) opsi (jawaban + \(distractors.count) pengecoh); bank ini meminta \(manifest.optionCount.lowerBound)..\(manifest.optionCount.upperBound) opsi"
                )
            }
            if distractors.count == list.count { answer = .numeric(answer: correct.0, answerSource: correct.1, distractors: distractors) }
        } else if fields["answer"] == nil {
            fields.problem("missing-field", "templat harus punya 'answer' dan 'distractors', atau 'compare'")
        }
        let instances = fields.sequence("instances") ?? []
        if fields["instances"] != nil, instances.isEmpty { fields.problem("missing-field", at: "instances", "templat belum punya instans") }
        guard log.problems.count == before, let header, let stem, let answer else { return [] }
        if answer.isComparison, !manifest.optionCount.contains(ItemTemplate.comparisonOptions.count) {
            fields.problem("option-count", at: "compare", "perbandingan kuantitatif punya 4 opsi; bank ini meminta \(manifest.optionCount)")
            return []
        }
        let template = ItemTemplate(
            id: header.id,
            version: header.version,
            subtest: header.subtest,
            topic: header.topic,
            difficulty: header.difficulty,
            stem: stem,
            explanation: explanation,
            answer: answer
        )
        let needed = template.parameters
        var items: [Item] = []
        for (offset, instance) in instances.enumerated() {
            let itemID = "\(header.id)-\(offset + 1)"
            guard let map = instance.mapping else {
                log.add("wrong-type", file, instance.line, item: itemID, "instans harus berupa pemetaan 'parameter: nilai'")
                continue
            }
            var values: [String: Int] = [:]
            var valid = true
            for (key, value) in map {
                guard let name = key.string, let number = value.int else {
                    log.add("wrong-type", file, key.line, item: itemID, "nilai parameter '\(key.string ?? "?")' harus bilangan bulat")
                    valid = false
                    continue
                }
                if !needed.contains(name) {
                    log.add("unused-parameter", file, key.line, item: itemID, "parameter '\(name)' tidak dipakai oleh templat")
                    valid = false
                }
                values[name] = number
            }
            for name in needed.sorted() where values[name] == nil {
                log.add("unknown-parameter", file, instance.line, item: itemID, "parameter '\(name)' tidak diberi nilai")
                valid = false
            }
            guard valid else { continue }
            do {
                let item = try template.instantiate(number: offset + 1, values: values, origin: SourceLocation(file: file, line: instance.line ?? 0))
                if markup {
                    // The instance's text (numbers in place) is the markup, checked like a written item's.
                    if let rich = richInstance(item, shelf: shelf, log: log) { items.append(rich) }
                } else {
                    items.append(item)
                }
            } catch {
                log.add(error.code, file, instance.line, item: itemID, error.message)
            }
        }
        return items
    }

    public static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}

extension ItemTemplate.Answer {
    var isComparison: Bool { if case .compare = self { true } else { false } }
}

extension BankLoader {
    /// The manifest of one bank folder, or its problems.
    public static func manifest(folder: String) throws(BankProblems) -> BankManifest {
        let log = ProblemLog()
        guard let manifest = readManifest(folder: folder, log: log) else { throw BankProblems(log.problems) }
        return manifest
    }

    /// The items of one item file read against a manifest, or every problem in it.
    public static func items(inFile file: String, manifest: BankManifest) throws(BankProblems) -> [Item] {
        let log = ProblemLog()
        let content = readItemFile(file, manifest: manifest, log: log, shelf: ImageShelf(directory: (file as NSString).deletingLastPathComponent))
        guard log.isEmpty else { throw BankProblems(log.problems) }
        return content.items.map(\.item)
    }

    /// Problems that would make `items` unusable under these rule sets (key style,
    /// weights), per item; shortfalls are not included.
    public static func scoringProblems(_ items: [Item], ruleSets: [RuleSet]) -> [BankProblem] {
        var problems: [BankProblem] = []
        for item in items {
            for ruleSet in ruleSets {
                guard let rule = ruleSet.subtest(item.subtest),
                    let mismatch = BankRuleCheck.mismatch(item, rule.scoring, ruleSet: ruleSet.id)
                else { continue }
                problems.append(
                    BankProblem(code: mismatch.code, file: item.origin.file, line: item.origin.line, itemID: item.id, message: mismatch.text)
                )
            }
        }
        return problems
    }
}
