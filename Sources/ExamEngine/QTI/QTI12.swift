import Foundation

/// QTI 1.2 (`questestinterop`), as Canvas, Moodle and Blackboard export quizzes: every
/// `item` of the file, each a whole single-choice item or one refusal with its reason.
/// Text is `mattext` (plain, or HTML as those tools write it, read as XHTML: HTML that is
/// not well-formed is refused, never guessed at), pictures are `matimage` or an `img` in
/// the HTML, copied like QTI 2's. The key is read from `resprocessing`: each condition
/// that compares the response with one choice and sets the score.
enum QTI12 {
    typealias Imported = Result<(item: Item, figures: [String: Data]), BankProblem>

    static func items(_ root: XMLElement, file: String, shownAs shown: String, name: String?, target: QTIImportTarget) -> [Imported] {
        let items = root.descendants.filter { $0.name == "item" }
        guard !items.isEmpty else {
            return [.failure(BankProblem(code: "no-items", file: shown, line: root.line, message: "berkas QTI 1.2 tanpa item"))]
        }
        let base = name ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        return items.enumerated().map { offset, element in
            let ident = element.attributes["ident"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let own = ident.isEmpty ? "\(base)-\(offset + 1)" : ident
            let id = QTIImporter.sanitised(target.idPrefix + (target.idSource == .file ? "\(base)-\(own)" : own))
            do throws(BankProblem) {
                return .success(try interpret(element, id: id, file: file, shown: shown, target: target))
            } catch {
                return .failure(error)
            }
        }
    }

    static func interpret(
        _ element: XMLElement,
        id: String,
        file: String,
        shown: String,
        target: QTIImportTarget
    ) throws(BankProblem) -> (
        item: Item, figures: [String: Data]
    ) {
        func refuse(_ code: String, _ line: Int?, _ message: String) -> BankProblem {
            BankProblem(code: code, file: shown, line: line, itemID: id, message: "ditolak: \(message)")
        }
        var figures: [String: Data] = [:]
        guard let presentation = element.first("presentation") else { throw refuse("no-item-body", element.line, "item tanpa presentation") }
        let responses = presentation.descendants.filter { ["response_lid", "response_str", "response_num", "response_xy", "response_grp"].contains($0.name) }
        guard let response = responses.first else { throw refuse("no-interaction", presentation.line, "tidak ada respons jawaban") }
        if responses.count > 1 {
            throw refuse("multiple-interactions", responses[1].line, "\(responses.count) respons dalam satu soal; hanya satu pilihan ganda yang didukung")
        }
        guard response.name == "response_lid", let choices = response.descendants.first(where: { $0.name == "render_choice" }) else {
            let kind = response.descendants.first { $0.name.hasPrefix("render_") }?.name ?? response.name
            throw refuse("unsupported-interaction", response.line, "jenis soal \(kind) bukan pilihan ganda satu jawaban")
        }
        if let cardinality = response.attributes["rcardinality"], cardinality.lowercased() != "single" {
            throw refuse("multiple-response", response.line, "pilihan ganda kompleks (rcardinality=\(cardinality)); hanya satu jawaban yang didukung")
        }
        let responseID = response.attributes["ident"] ?? ""
        let labels = choices.descendants.filter { $0.name == "response_label" }
        guard target.optionCount.contains(labels.count) else {
            throw refuse(
                "option-count",
                choices.line,
                "\(labels.count) opsi; bank tujuan meminta \(target.optionCount.lowerBound)..\(target.optionCount.upperBound) opsi"
            )
        }
        let identifiers = labels.map { $0.attributes["ident"] ?? "" }
        for (offset, identifier) in identifiers.enumerated() where identifier.isEmpty || identifiers[..<offset].contains(identifier) {
            throw refuse("bad-choice-identifier", labels[offset].line, identifier.isEmpty ? "opsi tanpa ident" : "ident opsi '\(identifier)' dipakai dua kali")
        }

        // Each material as QTI 2's XHTML would be: a paragraph of its HTML or text, a picture.
        func content(_ materials: [XMLElement]) throws(BankProblem) -> XMLElement {
            var xhtml = ""
            for material in materials {
                for part in material.elements {
                    switch part.name {
                    case "mattext":
                        // XHTML written as elements rather than escaped text: never flattened.
                        if let inner = part.elements.first {
                            throw refuse("unsupported-markup", inner.line, "mattext berisi elemen <\(inner.name)>, bukan teks; ekspor dengan HTML sebagai teks")
                        }
                        let kind = (part.attributes["texttype"] ?? "text/plain").lowercased()
                        xhtml += "<p>" + (kind.contains("html") ? part.text : ItemMarkup.escaped(part.text, quote: false)) + "</p>"
                    case "matimage":
                        let uri = part.attributes["uri"] ?? ""
                        let alt = part.attributes["label"] ?? part.attributes["alt"] ?? ""
                        xhtml += "<p><img src=\"\(ItemMarkup.escaped(uri, quote: true))\" alt=\"\(ItemMarkup.escaped(alt, quote: true))\"/></p>"
                    case "matbreak":
                        xhtml += "<br/>"
                    default:
                        throw refuse("unsupported-markup", part.line, "isi \(part.name) belum dapat dibawa ke bank")
                    }
                }
            }
            switch parseXMLTree(Data("<div>\(xhtml)</div>".utf8)) {
            case .success(let tree): return tree
            case .failure(let failure):
                throw refuse("html-unreadable", materials.first?.line, "teks HTML soal tidak dapat dibaca sebagai XHTML (\(failure.message)); tidak ditebak")
            }
        }
        // The stem: every material but the options' (a prompt inside the response included).
        let inOptions = Set(labels.flatMap(\.descendants).map(ObjectIdentifier.init))
        let stemMaterials = presentation.descendants.filter { $0.name == "material" && !inOptions.contains(ObjectIdentifier($0)) }
        let stemTree = try content(stemMaterials)
        let optionTrees = try labels.map { (label: XMLElement) throws(BankProblem) -> XMLElement in
            try content(label.descendants.filter { $0.name == "material" })
        }
        let rich = ([stemTree] + optionTrees).contains { $0.descendants.contains { QTIImporter.richElements.contains($0.name) } }
        func figure(_ node: XMLElement) throws(BankProblem) -> String {
            try QTIImporter.figure(node.attributes["src"] ?? "", line: element.line, beside: file, refuse: refuse, into: &figures)
        }
        func render(_ tree: XMLElement) throws(BankProblem) -> (text: String, words: String, images: [String]) {
            try QTIImporter.render(tree, rich: rich, refuse: refuse, figure: figure)
        }
        let (stem, stemWords, stemImages) = try render(stemTree)
        guard !stemWords.isEmpty || !stemImages.isEmpty else { throw refuse("empty-stem", presentation.line, "batang soal kosong") }
        var optionTexts: [String] = []
        var listed = stemImages
        for (offset, tree) in optionTrees.enumerated() {
            let (text, words, images) = try render(tree)
            guard !words.isEmpty || !images.isEmpty else { throw refuse("empty-option", labels[offset].line, "opsi \(identifiers[offset]) kosong") }
            optionTexts.append(text)
            for path in images where !listed.contains(path) { listed.append(path) }
        }

        let key = try scoring(element, responseID: responseID, identifiers: identifiers, refuse: refuse)
        let shuffled = (choices.attributes["shuffle"] ?? "No").lowercased() == "yes"
        let options = labels.enumerated().map { offset, label in
            let correct = if case .correct(let index) = key { index == offset } else { false }
            let weight = if case .weights(let weights) = key { weights[offset] } else { Int?.none }
            return ItemOption(
                id: ItemOption.letters[offset],
                text: optionTexts[offset],
                correct: correct,
                weight: weight,
                fixed: !shuffled || (label.attributes["rshuffle"] ?? "Yes").lowercased() == "no"
            )
        }
        let item = Item(
            id: id,
            version: 1,
            subtest: target.subtest,
            topic: target.topic,
            difficulty: target.difficulty,
            stem: stem,
            options: options,
            explanation: nil,
            key: key,
            origin: SourceLocation(file: shown, line: element.line),
            markup: rich,
            images: listed
        )
        return (item, figures.filter { listed.contains($0.key) })
    }

    /// The key from `resprocessing`, as QTI 1.2 processes it: the score variable (the one
    /// `decvar`, or `SCORE`) starts at its `defaultval`; each condition that tests the
    /// response against one choice (`varequal`) sets or adds to it, and one with
    /// `continue="No"` (the default) ends processing for that choice. One choice above the
    /// rest at zero is right/wrong, anything else weights. A condition of another shape
    /// (`not`, `and`, `or`, a second response), an `other` that scores, or a score on
    /// another variable is refused; a condition that sets nothing (feedback) is passed over.
    static func scoring(
        _ element: XMLElement,
        responseID: String,
        identifiers: [String],
        refuse: (String, Int?, String) -> BankProblem
    ) throws(BankProblem) -> ItemKey {
        guard let processing = element.first("resprocessing") else {
            throw refuse("unscored", element.line, "tidak ada resprocessing: soal tanpa penilaian")
        }
        let declared = processing.first("outcomes")?.elements.filter { $0.name == "decvar" } ?? []
        if declared.count > 1 { throw refuse("unsupported-scoring", processing.line, "lebih dari satu variabel nilai (decvar)") }
        let variable = declared.first?.attributes["varname"] ?? "SCORE"
        guard let initial = QTIImporter.wholeNumber(declared.first?.attributes["defaultval"] ?? "0") else {
            throw refuse("weight-not-whole", declared.first?.line, "defaultval variabel nilai bukan bilangan bulat")
        }
        var scores: [String: Int] = [:]
        var ended: Set<String> = []
        var scored = false
        for condition in processing.elements where condition.name == "respcondition" {
            let sets = condition.elements.filter { $0.name == "setvar" }
            guard !sets.isEmpty else { continue }
            for set in sets where (set.attributes["varname"] ?? variable) != variable {
                throw refuse("unsupported-scoring", set.line, "setvar pada variabel \(set.attributes["varname"] ?? "?"), bukan variabel nilai \(variable)")
            }
            guard let test = condition.first("conditionvar") else { throw refuse("unsupported-scoring", condition.line, "respcondition tanpa conditionvar") }
            if test.elements.count == 1, test.elements[0].name == "other" {
                // Feedback for any answer is passed over; a score for any answer is not read.
                if sets.contains(where: { QTIImporter.wholeNumber($0.text.trimmingCharacters(in: .whitespacesAndNewlines)) != 0 }) {
                    throw refuse("unsupported-scoring", test.line, "syarat <other/> yang memberi nilai belum dapat dibaca")
                }
                continue
            }
            guard test.elements.count == 1, let equal = test.elements.first, equal.name == "varequal",
                equal.attributes["respident"].map({ $0 == responseID || responseID.isEmpty }) ?? true
            else {
                throw refuse(
                    "unsupported-scoring",
                    test.line,
                    "syarat penilaian \(test.elements.map(\.name).joined(separator: ", ")) belum dapat dibaca (hanya satu varequal per syarat)"
                )
            }
            let choice = equal.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard identifiers.contains(choice) else { throw refuse("unknown-correct-option", equal.line, "syarat menyebut opsi '\(choice)' yang tidak ada") }
            guard !ended.contains(choice) else { continue }
            for set in sets {
                let action = (set.attributes["action"] ?? "Set").lowercased()
                guard action == "set" || action == "add", let value = QTIImporter.wholeNumber(set.text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                    throw refuse("unsupported-scoring", set.line, "setvar \(set.attributes["action"] ?? "") '\(set.text)' belum dapat dibaca")
                }
                scores[choice] = action == "set" ? value : (scores[choice] ?? initial) + value
                scored = true
            }
            if (condition.attributes["continue"] ?? "No").lowercased() == "no" { ended.insert(choice) }
        }
        guard scored else { throw refuse("unscored", processing.line, "resprocessing tidak memberi nilai pada opsi mana pun") }
        let values = identifiers.map { scores[$0] ?? initial }
        let positive = values.indices.filter { values[$0] > 0 }
        if positive.count == 1, values.allSatisfy({ $0 == 0 || $0 == values[positive[0]] }) { return .correct(optionIndex: positive[0]) }
        return .weights(values)
    }
}
