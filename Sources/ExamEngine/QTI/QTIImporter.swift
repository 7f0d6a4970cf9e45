import Foundation

/// Where imported QTI items go: the subtest, topic and difficulty QTI does not carry.
public struct QTIImportTarget: Sendable {
    public let subtest: String
    public let topic: String
    public let difficulty: Int
    public let idPrefix: String
    public let optionCount: ClosedRange<Int>

    public init(subtest: String, topic: String, difficulty: Int, idPrefix: String = "qti-", optionCount: ClosedRange<Int> = 4...5) {
        self.subtest = subtest
        self.topic = topic
        self.difficulty = difficulty
        self.idPrefix = idPrefix
        self.optionCount = optionCount
    }
}

/// Imports QTI 2.1 (`assessmentItem`) and QTI 3.0 (`qti-assessment-item`) single-choice
/// items into the bank model. Each file gives one whole item or one refusal with its
/// reason: never part of an item.
public enum QTIImporter {
    /// The item in one QTI file. Its id is the prefix plus the file's base name (QTI
    /// identifiers repeat across packages: the spec's own samples share `choice`).
    public static func importFile(_ path: String, target: QTIImportTarget) -> Result<Item, BankProblem> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(BankProblem(code: "unreadable", file: path, line: nil, message: "berkas tidak dapat dibaca"))
        }
        let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let id = target.idPrefix + String(base.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "-" })
        switch parseXMLTree(data) {
        case .failure(let failure):
            return .failure(BankProblem(code: "xml-syntax", file: path, line: failure.line, itemID: id, message: "XML tidak valid: \(failure.message)"))
        case .success(let root):
            do throws(BankProblem) {
                return .success(try interpret(root, id: id, file: path, target: target))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Every `*.xml` in a folder (or the one file given), each imported or refused.
    public static func importPath(_ path: String, target: QTIImportTarget) -> (items: [Item], refused: [BankProblem]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return ([], [BankProblem(code: "unreadable", file: path, line: nil, message: "berkas atau folder tidak ada")])
        }
        var files = [path]
        if isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files = names.filter { $0.hasSuffix(".xml") }.sorted().map { BankLoader.join(path, $0) }
        }
        var items: [Item] = []
        var refused: [BankProblem] = []
        for file in files {
            switch importFile(file, target: target) {
            case .success(let item): items.append(item)
            case .failure(let problem): refused.append(problem)
            }
        }
        // Two files whose names give the same id (`soal 1.xml`, `soal-1.xml`): neither is
        // taken, so no bank ever holds an id twice.
        let twice = Dictionary(grouping: items, by: \.id).filter { $0.value.count > 1 }
        for item in items where twice[item.id] != nil {
            let others = twice[item.id]!.map(\.origin.file).filter { $0 != item.origin.file }
            refused.append(
                BankProblem(
                    code: "duplicate-id",
                    file: item.origin.file,
                    line: item.origin.line,
                    itemID: item.id,
                    message:
                        "ditolak: id yang sama juga dari \(others.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")); ganti nama berkasnya"
                )
            )
        }
        return (items.filter { twice[$0.id] == nil }, refused)
    }

    // MARK: - Interpretation

    private static let interactionNames: [String: String] = [
        "textEntryInteraction": "isian singkat (textEntryInteraction)",
        "extendedTextInteraction": "uraian (extendedTextInteraction)",
        "orderInteraction": "mengurutkan (orderInteraction)",
        "inlineChoiceInteraction": "pilihan di dalam teks (inlineChoiceInteraction)",
        "matchInteraction": "menjodohkan (matchInteraction)",
        "associateInteraction": "memasangkan (associateInteraction)",
        "gapMatchInteraction": "mengisi celah (gapMatchInteraction)",
        "hotspotInteraction": "titik gambar (hotspotInteraction)",
        "sliderInteraction": "penggeser (sliderInteraction)",
        "uploadInteraction": "unggah berkas (uploadInteraction)",
    ]

    static func interpret(_ root: XMLElement, id: String, file: String, target: QTIImportTarget) throws(BankProblem) -> Item {
        func refuse(_ code: String, _ line: Int?, _ message: String) -> BankProblem {
            BankProblem(code: code, file: file, line: line, itemID: id, message: "ditolak: \(message)")
        }
        guard root.name == "assessmentItem" else {
            throw refuse("not-qti-item", root.line, "bukan soal QTI (elemen akar '\(root.name)', bukan assessmentItem / qti-assessment-item)")
        }
        if let template = root.elements.first(where: { $0.name == "templateDeclaration" || $0.name == "templateProcessing" }) {
            throw refuse("template-driven", template.line, "soal berbasis templat QTI (nilai diacak saat ujian); tulis sebagai templat bank")
        }
        guard let body = root.first("itemBody") else { throw refuse("no-item-body", root.line, "tidak ada itemBody") }
        let interactions = body.descendants.filter { $0.name.hasSuffix("Interaction") }
        guard let interaction = interactions.first else { throw refuse("no-interaction", body.line, "tidak ada interaksi jawaban") }
        if interactions.count > 1 {
            throw refuse(
                "multiple-interactions",
                interactions[1].line,
                "\(interactions.count) interaksi dalam satu soal; hanya satu pilihan ganda yang didukung"
            )
        }
        guard interaction.name == "choiceInteraction" else {
            let kind = interactionNames[interaction.name] ?? interaction.name
            throw refuse("unsupported-interaction", interaction.line, "jenis soal \(kind) bukan pilihan ganda satu jawaban")
        }
        let responseID = interaction.attributes["responseIdentifier"] ?? "RESPONSE"
        let declaration = root.elements.first { $0.name == "responseDeclaration" && $0.attributes["identifier"] == responseID }
        let maxChoices = interaction.attributes["maxChoices"] ?? "1"
        if maxChoices != "1" || (declaration?.attributes["cardinality"].map { $0 != "single" } ?? false) {
            throw refuse(
                "multiple-response",
                interaction.line,
                "pilihan ganda kompleks (maxChoices=\(maxChoices), cardinality=\(declaration?.attributes["cardinality"] ?? "?")); hanya satu jawaban yang didukung"
            )
        }
        guard let declaration else {
            throw refuse("unscored", root.line, "tidak ada responseDeclaration untuk \(responseID): soal tanpa penilaian")
        }

        // Options, in document order.
        let choices = interaction.elements.filter { $0.name == "simpleChoice" }
        guard target.optionCount.contains(choices.count) else {
            throw refuse(
                "option-count",
                interaction.line,
                "\(choices.count) opsi; bank tujuan meminta \(target.optionCount.lowerBound)..\(target.optionCount.upperBound) opsi"
            )
        }
        var optionTexts: [String] = []
        for choice in choices {
            let text = try renderText(choice, refuse: refuse)
            guard !text.isEmpty else { throw refuse("empty-option", choice.line, "opsi \(choice.attributes["identifier"] ?? "?") kosong") }
            optionTexts.append(text)
        }
        let identifiers = choices.map { $0.attributes["identifier"] ?? "" }

        // The key: a mapping gives weights, otherwise the one correct response.
        let key: ItemKey
        if let mapping = declaration.first("mapping") {
            let fallback = mapping.attributes["defaultValue"] ?? "0"
            var weights: [String: Int] = [:]
            for entry in mapping.elements where entry.name == "mapEntry" {
                let raw = entry.attributes["mappedValue"] ?? ""
                guard let value = Int(raw) ?? Double(raw).flatMap({ $0 == $0.rounded() ? Int($0) : nil }) else {
                    throw refuse("weight-not-whole", entry.line, "bobot '\(raw)' untuk \(entry.attributes["mapKey"] ?? "?") bukan bilangan bulat")
                }
                weights[entry.attributes["mapKey"] ?? ""] = value
            }
            if let stray = weights.keys.sorted().first(where: { !identifiers.contains($0) }) {
                throw refuse("unknown-option", mapping.line, "mapping menyebut opsi '\(stray)' yang tidak ada")
            }
            guard let defaultWeight = Int(fallback) ?? Double(fallback).flatMap({ $0 == $0.rounded() ? Int($0) : nil }) else {
                throw refuse("weight-not-whole", mapping.line, "defaultValue '\(fallback)' bukan bilangan bulat")
            }
            key = .weights(identifiers.map { weights[$0] ?? defaultWeight })
        } else if let correct = declaration.first("correctResponse") {
            let values = correct.elements.filter { $0.name == "value" }.map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
            guard values.count == 1, let index = identifiers.firstIndex(of: values[0]) else {
                throw refuse(
                    "unknown-correct-option",
                    correct.line,
                    values.count == 1 ? "jawaban benar '\(values[0])' bukan salah satu opsi" : "harus tepat satu jawaban benar, ada \(values.count)"
                )
            }
            key = .correct(optionIndex: index)
        } else {
            throw refuse("unscored", declaration.line, "tidak ada correctResponse maupun mapping: soal tanpa penilaian (misalnya angket)")
        }

        // The stem: the body with the interaction replaced by its prompt.
        let stem = try renderText(body, replacing: interaction, refuse: refuse)
        guard !stem.isEmpty else { throw refuse("empty-stem", body.line, "batang soal kosong") }

        let options = choices.enumerated().map { offset, choice in
            let correct = if case .correct(let index) = key { index == offset } else { false }
            let weight = if case .weights(let weights) = key { weights[offset] } else { Int?.none }
            return ItemOption(
                id: ItemOption.letters[offset],
                text: optionTexts[offset],
                correct: correct,
                weight: weight,
                fixed: choice.attributes["fixed"] == "true"
            )
        }
        return Item(
            id: id,
            version: 1,
            subtest: target.subtest,
            topic: target.topic,
            difficulty: target.difficulty,
            stem: stem,
            options: options,
            explanation: nil,
            key: key,
            origin: SourceLocation(file: file, line: root.line)
        )
    }

    private static let blockElements: Set<String> = ["p", "div", "blockquote", "br", "li", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "pre", "prompt"]
    private static let skipped: Set<String> = ["modalFeedback", "feedbackInline", "feedbackBlock", "rubricBlock", "stylesheet"]

    /// Plain text of an element: blocks become lines, images their `alt` text; content
    /// the bank cannot carry (external objects, images without `alt`, MathML, powers and
    /// indices) is refused. Emphasis is read as its words (the text stays as written).
    static func renderText(
        _ element: XMLElement,
        replacing interaction: XMLElement? = nil,
        refuse: (String, Int?, String) -> BankProblem
    ) throws(BankProblem) -> String {
        var output = ""
        func walk(_ node: XMLElement) throws(BankProblem) {
            if skipped.contains(node.name) { return }
            if let interaction, node === interaction {
                if let prompt = node.first("prompt") { try walk(prompt) }
                return
            }
            switch node.name {
            case "img":
                guard let alt = node.attributes["alt"], !alt.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw refuse("image-without-alt", node.line, "gambar \(node.attributes["src"] ?? "") tanpa teks alt tidak dapat dibawa ke bank teks")
                }
                output += " [Gambar: \(alt)] "
                return
            case "object", "video", "audio", "iframe":
                throw refuse(
                    "external-object",
                    node.line,
                    "merujuk konten luar (\(node.name) \(node.attributes["data"] ?? node.attributes["src"] ?? "")) yang tidak dapat dibawa ke bank teks"
                )
            case "math":
                throw refuse("unsupported-markup", node.line, "rumus MathML belum didukung")
            // Flattened, 2<sup>5</sup> would read 25 (and change the key): refused, never changed.
            case "sup", "sub":
                throw refuse(
                    "unsupported-markup",
                    node.line,
                    "format <\(node.name)> belum dapat dibawa ke bank teks tanpa mengubah soalnya (2<sup>5</sup> akan terbaca 25)"
                )
            default:
                break
            }
            let block = blockElements.contains(node.name)
            if block { output += "\n" }
            for child in node.children {
                switch child {
                case .text(let text): output += text
                case .element(let element): try walk(element)
                }
            }
            if block { output += "\n" }
        }
        try walk(element)
        return output.split(separator: "\n").map { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
        }.filter { !$0.isEmpty }.joined(separator: "\n")
    }
}
