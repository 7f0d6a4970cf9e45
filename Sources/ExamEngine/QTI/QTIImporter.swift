import Crypto
public import Foundation

/// Where imported QTI items go: the subtest, topic and difficulty QTI does not carry.
public struct QTIImportTarget: Sendable {
    public let subtest: String
    public let topic: String
    public let difficulty: Int
    public let idPrefix: String
    public let optionCount: ClosedRange<Int>
    public let idSource: QTIIDSource

    public init(
        subtest: String,
        topic: String,
        difficulty: Int,
        idPrefix: String = "qti-",
        optionCount: ClosedRange<Int> = 4...5,
        idSource: QTIIDSource = .identifier
    ) {
        self.subtest = subtest
        self.topic = topic
        self.difficulty = difficulty
        self.idPrefix = idPrefix
        self.optionCount = optionCount
        self.idSource = idSource
    }
}

/// What an imported item's id is made from (after the prefix).
public enum QTIIDSource: String, Sendable, CaseIterable {
    /// The item's own `identifier` (the file's path where it has none).
    case identifier
    /// The file's path inside the imported folder (`items/i1/qti.xml` → `items-i1-qti`),
    /// for packages whose identifiers repeat (the spec's own samples share `choice`).
    case file
}

/// Imports QTI 2.1 (`assessmentItem`) and QTI 3.0 (`qti-assessment-item`) single-choice
/// items into the bank model. Each file gives one whole item or one refusal with its
/// reason: never part of an item.
public enum QTIImporter {
    /// The item in one QTI file; `name` is its path inside the imported folder (without
    /// `.xml`), for `QTIIDSource.file` and where the item has no identifier.
    public static func importFile(_ path: String, name: String? = nil, target: QTIImportTarget) -> Result<Item, BankProblem> {
        importItem(path, name: name, shownAs: path, target: target).map(\.item)
    }

    /// The item in one QTI file and the figures it shows: bank path (`figures/qti/…`) →
    /// the picture's bytes. `shown` names the file in refusals and as the item's origin
    /// (a file inside a zipped package is named by the package, not by its scratch copy).
    static func importItem(
        _ path: String,
        name: String?,
        shownAs shown: String,
        target: QTIImportTarget
    ) -> Result<(item: Item, figures: [String: Data]), BankProblem> {
        importItems(path, name: name, shownAs: shown, target: target).first
            ?? .failure(BankProblem(code: "no-items", file: shown, line: nil, message: "tidak ada soal di berkas ini"))
    }

    /// Every item of one QTI file: one for QTI 2.1 and 3.0, each `item` of a QTI 1.2
    /// quiz (`QTI12`).
    static func importItems(
        _ path: String,
        name: String?,
        shownAs shown: String,
        target: QTIImportTarget
    ) -> [Result<(item: Item, figures: [String: Data]), BankProblem>] {
        let fallback = sanitised(target.idPrefix + (name ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension))
        guard let data = FileManager.default.contents(atPath: path) else {
            return [.failure(BankProblem(code: "unreadable", file: shown, line: nil, message: "berkas tidak dapat dibaca"))]
        }
        switch parseXMLTree(data) {
        case .failure(let failure):
            return [
                .failure(BankProblem(code: "xml-syntax", file: shown, line: failure.line, itemID: fallback, message: "XML tidak valid: \(failure.message)"))
            ]
        case .success(let root) where root.name == "questestinterop":
            return QTI12.items(root, file: path, shownAs: shown, name: name, target: target)
        case .success(let root):
            var id = fallback
            if target.idSource == .identifier, let identifier = root.attributes["identifier"]?.trimmingCharacters(in: .whitespaces), !identifier.isEmpty {
                id = sanitised(target.idPrefix + identifier)
            }
            do throws(BankProblem) {
                return [.success(try interpret(root, id: id, file: path, shownAs: shown, target: target))]
            } catch {
                return [.failure(error)]
            }
        }
    }

    /// An id the bank accepts: letters, digits, `-`, `_` and `.`; anything else becomes `-`.
    static func sanitised(_ raw: String) -> String {
        String(raw.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "-" })
    }

    /// Every item a path holds, each imported or refused: one file; a folder, read
    /// recursively (`items/<id>/qti.xml` as TAO exports them); a content package, through
    /// its `imsmanifest.xml`. Two items that would get one id are both refused, naming each
    /// other, so no bank ever holds an id twice. One bad file never stops the others.
    /// A zipped package is unpacked into a scratch folder first and read as one; its files
    /// are named inside the `.zip` in every refusal. `figures` maps each figure's bank path
    /// (content-addressed) to its bytes.
    public static func importPath(_ path: String, target: QTIImportTarget) -> (items: [Item], figures: [String: Data], refused: [BankProblem]) {
        var isDirectory: ObjCBool = false
        let zip = (path as NSString).resolvingSymlinksInPath
        guard zip.lowercased().hasSuffix(".zip"), FileManager.default.fileExists(atPath: zip, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return importFound(path, shown: { $0 }, target: target)
        }
        let scratch = NSTemporaryDirectory() + "seleksi-qti-zip-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        do {
            // Only this user may read the unpacked items (a bank is confidential).
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return ([], [:], [BankProblem(code: "unreadable", file: zip, line: nil, message: "folder sementara tidak dapat dibuat: \(error)")])
        }
        if let problem = QTIZip.unpack(zip, into: scratch) { return ([], [:], [problem]) }
        let root = (scratch as NSString).resolvingSymlinksInPath
        let shown = { (text: String) in text.replacingOccurrences(of: root, with: zip).replacingOccurrences(of: scratch, with: zip) }
        return importFound(scratch, shown: shown, target: target)
    }

    /// `importPath` of a file or folder; `shown` turns a path read into the one named.
    private static func importFound(
        _ path: String,
        shown: (String) -> String,
        target: QTIImportTarget
    ) -> (items: [Item], figures: [String: Data], refused: [BankProblem]) {
        let (sources, problems) = QTISources.find(path)
        var items: [Item] = []
        var figures: [String: Data] = [:]
        var refused = problems.map { BankProblem(code: $0.code, file: shown($0.file), line: $0.line, itemID: $0.itemID, message: shown($0.message)) }
        for source in sources {
            for result in importItems(source.file, name: source.name, shownAs: shown(source.file), target: target) {
                switch result {
                case .success(let imported):
                    items.append(imported.item)
                    figures.merge(imported.figures) { first, _ in first }
                case .failure(let problem): refused.append(problem)
                }
            }
        }
        let twice = Dictionary(grouping: items, by: \.id).filter { $0.value.count > 1 }
        for item in items where twice[item.id] != nil {
            let others = twice[item.id]!.map(\.origin.file).filter { $0 != item.origin.file }
            refused.append(
                BankProblem(
                    code: "duplicate-id",
                    file: item.origin.file,
                    line: item.origin.line,
                    itemID: item.id,
                    message: "ditolak: id yang sama juga dari \(others.joined(separator: ", "))"
                        + (target.idSource == .identifier
                            ? "; identifier soalnya sama (impor dengan --id-from file untuk memakai nama berkas)" : "; ganti nama berkasnya")
                )
            )
        }
        return (items.filter { twice[$0.id] == nil }, figures, refused)
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

    static func interpret(
        _ root: XMLElement,
        id: String,
        file: String,
        shownAs shown: String? = nil,
        target: QTIImportTarget
    ) throws(BankProblem) -> (item: Item, figures: [String: Data]) {
        func refuse(_ code: String, _ line: Int?, _ message: String) -> BankProblem {
            BankProblem(code: code, file: shown ?? file, line: line, itemID: id, message: "ditolak: \(message)")
        }
        // Figures travel with the item: each file beside it is copied into the bank under
        // its content address, never left behind as words.
        var figures: [String: Data] = [:]
        func figure(_ node: XMLElement) throws(BankProblem) -> String {
            try Self.figure(node.attributes["src"] ?? "", line: node.line, beside: file, refuse: refuse, into: &figures)
        }
        guard root.name == "assessmentItem" else {
            throw refuse("not-qti-item", root.line, "bukan soal QTI (elemen akar '\(root.name)', bukan assessmentItem / qti-assessment-item)")
        }
        let everything = root.descendants
        // Content kept in another file: importing the item without it would drop it silently.
        if let stimulus = everything.first(where: { $0.name == "assessmentStimulusRef" }) {
            throw refuse(
                "shared-stimulus",
                stimulus.line,
                "memakai bacaan bersama (\(stimulus.attributes["href"] ?? stimulus.attributes["identifier"] ?? "stimulus")) yang belum dapat dibawa ke bank"
            )
        }
        if let include = everything.first(where: { $0.name == "include" }) {
            throw refuse(
                "external-include",
                include.line,
                "menyisipkan isi berkas lain (xi:include \(include.attributes["href"] ?? "")) yang belum dapat dibawa ke bank"
            )
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
        // Powers, indices, formulas and tables are kept as the bank's markup (a rich item),
        // never flattened: 2<sup>5</sup> read as text would be 25.
        let rich = ([body] + choices).contains { $0.descendants.contains { richElements.contains($0.name) } }
        func render(_ element: XMLElement, replacing: XMLElement? = nil) throws(BankProblem) -> (text: String, words: String, images: [String]) {
            try Self.render(element, replacing: replacing, rich: rich, refuse: refuse, figure: figure)
        }
        var optionTexts: [String] = []
        var optionImages: [String] = []
        for choice in choices {
            let (text, words, images) = try render(choice)
            guard !words.isEmpty || !images.isEmpty else { throw refuse("empty-option", choice.line, "opsi \(choice.attributes["identifier"] ?? "?") kosong") }
            optionTexts.append(text)
            optionImages += images
        }
        let identifiers = choices.map { $0.attributes["identifier"] ?? "" }
        // Two choices with one identifier would both be right (or weighted) in QTI.
        for (offset, identifier) in identifiers.enumerated() where identifier.isEmpty || identifiers[..<offset].contains(identifier) {
            throw refuse(
                "bad-choice-identifier",
                choices[offset].line,
                identifier.isEmpty ? "opsi tanpa identifier" : "identifier opsi '\(identifier)' dipakai dua kali"
            )
        }

        // The key, as the item's response processing scores it: match_correct by its one
        // correct response, map_response by the mapping's weights.
        let key: ItemKey
        switch try scoring(root, declaration: declaration, responseID: responseID, refuse: refuse) {
        case .mapping(let mapping):
            let fallback = mapping.attributes["defaultValue"] ?? "0"
            // A bound would change a weight as QTI scores it: refused rather than guessed.
            if let bound = ["lowerBound", "upperBound"].first(where: { mapping.attributes[$0] != nil }) {
                throw refuse("unsupported-scoring", mapping.line, "mapping dengan \(bound) belum didukung (bobot dapat terpotong)")
            }
            var weights: [String: Int] = [:]
            for entry in mapping.elements where entry.name == "mapEntry" {
                let raw = entry.attributes["mappedValue"] ?? ""
                guard let value = wholeNumber(raw) else {
                    throw refuse("weight-not-whole", entry.line, "bobot '\(raw)' untuk \(entry.attributes["mapKey"] ?? "?") bukan bilangan bulat")
                }
                let key = entry.attributes["mapKey"] ?? ""
                guard weights[key] == nil else { throw refuse("unknown-option", entry.line, "mapping menyebut opsi '\(key)' dua kali") }
                weights[key] = value
            }
            if let stray = weights.keys.sorted().first(where: { !identifiers.contains($0) }) {
                throw refuse("unknown-option", mapping.line, "mapping menyebut opsi '\(stray)' yang tidak ada")
            }
            guard let defaultWeight = wholeNumber(fallback) else {
                throw refuse("weight-not-whole", mapping.line, "defaultValue '\(fallback)' bukan bilangan bulat")
            }
            key = .weights(identifiers.map { weights[$0] ?? defaultWeight })
        case .correct(let correct):
            let values = correct.elements.filter { $0.name == "value" }.map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
            guard values.count == 1, let index = identifiers.firstIndex(of: values[0]) else {
                throw refuse(
                    "unknown-correct-option",
                    correct.line,
                    values.count == 1 ? "jawaban benar '\(values[0])' bukan salah satu opsi" : "harus tepat satu jawaban benar, ada \(values.count)"
                )
            }
            key = .correct(optionIndex: index)
        }

        // The stem: the body with the interaction replaced by its prompt.
        let (stem, stemWords, stemImages) = try render(body, replacing: interaction)
        guard !stemWords.isEmpty || !stemImages.isEmpty else { throw refuse("empty-stem", body.line, "batang soal kosong") }
        // As the loader lists them: the stem's figures, then the options', each once.
        var listed: [String] = []
        for path in stemImages + optionImages where !listed.contains(path) { listed.append(path) }

        // Options are shuffled only where the interaction says so (QTI's default keeps them
        // in place), and then a `fixed` choice keeps its place.
        let shuffled = truthy(interaction.attributes["shuffle"])
        let options = choices.enumerated().map { offset, choice in
            let correct = if case .correct(let index) = key { index == offset } else { false }
            let weight = if case .weights(let weights) = key { weights[offset] } else { Int?.none }
            return ItemOption(
                id: ItemOption.letters[offset],
                text: optionTexts[offset],
                correct: correct,
                weight: weight,
                fixed: !shuffled || truthy(choice.attributes["fixed"])
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
            origin: SourceLocation(file: shown ?? file, line: root.line),
            markup: rich,
            images: listed
        )
        return (item, figures.filter { listed.contains($0.key) })
    }

    /// One content element as the item's text: plain (`renderText`) or, in a rich item, the
    /// bank's markup checked by `ItemMarkup.parse`; with its words and the figures it shows.
    /// Both readers (QTI 2/3 and `QTI12`) render through it.
    static func render(
        _ element: XMLElement,
        replacing: XMLElement? = nil,
        rich: Bool,
        refuse: (String, Int?, String) -> BankProblem,
        figure: (XMLElement) throws(BankProblem) -> String
    ) throws(BankProblem) -> (text: String, words: String, images: [String]) {
        guard rich else {
            let text = try renderText(element, replacing: replacing, refuse: refuse)
            return (text, text, [])
        }
        let written = try renderMarkup(element, replacing: replacing, refuse: refuse, figure: figure)
        do throws(ItemMarkup.Problem) {
            let fragment = try ItemMarkup.parse(written)
            return (fragment.html(), fragment.plainText, fragment.images)
        } catch {
            throw refuse("unsupported-markup", element.line, "isi tidak dapat dibawa sebagai markup bank: \(error.message)")
        }
    }

    /// The bank path (`figures/qti/<digest>.<type>`) of a picture an item shows, read from
    /// `src` beside the item's `file` into `figures`: only a relative path inside the item's
    /// folder (percent-escapes read), an SVG, PNG or JPEG that is there.
    static func figure(
        _ raw: String,
        line: Int,
        beside file: String,
        refuse: (String, Int?, String) -> BankProblem,
        into figures: inout [String: Data]
    ) throws(BankProblem) -> String {
        let src = raw.removingPercentEncoding ?? raw
        let parts = src.split(separator: "/", omittingEmptySubsequences: false)
        guard !src.isEmpty, !src.hasPrefix("/"), !src.contains(":"), !src.contains("\\"), !parts.contains(where: { $0 == ".." || $0.isEmpty }) else {
            throw refuse("image-outside", line, "gambar '\(raw)': hanya berkas di folder soal (jalur relatif, tanpa ..) yang dapat dibawa ke bank")
        }
        let type = (src as NSString).pathExtension.lowercased()
        guard ["svg", "png", "jpg", "jpeg"].contains(type) else {
            throw refuse("image-type", line, "gambar '\(raw)': hanya SVG, PNG atau JPEG yang dapat dibawa ke bank")
        }
        let folder = ((file as NSString).deletingLastPathComponent as NSString).resolvingSymlinksInPath
        let resolved = ((folder + "/" + src) as NSString).resolvingSymlinksInPath
        guard resolved.hasPrefix(folder + "/"), (try? FileManager.default.attributesOfItem(atPath: resolved)[.type]) as? FileAttributeType == .typeRegular,
            let data = FileManager.default.contents(atPath: resolved)
        else {
            throw refuse("image-missing", line, "gambar '\(raw)' tidak ada di folder soal")
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let path = "figures/qti/\(digest).\(type == "jpeg" ? "jpg" : type)"
        figures[path] = data
        return path
    }

    /// What makes an imported item a rich one (`markup: true`).
    static let richElements: Set<String> = ["sup", "sub", "math", "table", "img"]
    /// QTI's XHTML as the bank's markup: kept as it is, renamed (`b` → `strong`), or a
    /// block as a paragraph; anything else (`span`, lists, `tbody`) is unwrapped to its content.
    private static let keptMarkup: [String: String] = [
        "sup": "sup", "sub": "sub", "em": "em", "strong": "strong", "b": "strong", "i": "em", "br": "br", "p": "p",
        "div": "p", "blockquote": "p", "li": "p", "h1": "p", "h2": "p", "h3": "p", "h4": "p", "pre": "p", "prompt": "p",
        "table": "table", "caption": "caption", "tr": "tr", "td": "td", "th": "th",
    ]

    /// An element as the bank's markup text (checked again by `ItemMarkup.parse`); content
    /// the bank cannot carry is refused as in `renderText`, and so are table cells that
    /// span and MathML attributes that change what a formula says.
    /// - Parameter figure: the bank path of an `img`'s file (copied with the item).
    static func renderMarkup(
        _ element: XMLElement,
        replacing interaction: XMLElement? = nil,
        refuse: (String, Int?, String) -> BankProblem,
        figure: (XMLElement) throws(BankProblem) -> String
    ) throws(BankProblem) -> String {
        var output = ""
        func children(_ node: XMLElement, math: Bool) throws(BankProblem) {
            for child in node.children {
                switch child {
                case .text(let text): output += ItemMarkup.escaped(text, quote: false)
                case .element(let inner): try walk(inner, math: math)
                }
            }
        }
        func walk(_ node: XMLElement, math: Bool) throws(BankProblem) {
            if let interaction, node === interaction {
                if let prompt = node.first("prompt") { try walk(prompt, math: false) }
                return
            }
            if !math, node.name == "img" {
                guard let alt = node.attributes["alt"]?.trimmingCharacters(in: .whitespacesAndNewlines), !alt.isEmpty else {
                    throw refuse("image-without-alt", node.line, "gambar \(node.attributes["src"] ?? "") tanpa teks alt tidak dapat dibawa ke bank")
                }
                let path = try figure(node)
                output += "<img src=\"\(ItemMarkup.escaped(path, quote: true))\" alt=\"\(ItemMarkup.escaped(alt, quote: true))\"/>"
                return
            }
            if !math, let special = try leaf(node, refuse: refuse) {
                output += ItemMarkup.escaped(special ?? "", quote: false)
                return
            }
            if math || node.name == "math" {
                guard node.name == "math" || ItemMarkup.mathElements.contains(node.name) else {
                    throw refuse("unsupported-markup", node.line, "elemen MathML <\(node.name)> belum didukung")
                }
                if let attribute = node.attributes.keys.sorted().first(where: { !["xmlns", "display"].contains($0) }) {
                    throw refuse("unsupported-markup", node.line, "atribut MathML \(attribute) pada <\(node.name)> belum didukung")
                }
                output += "<\(node.name)>"
                try children(node, math: true)
                output += "</\(node.name)>"
                return
            }
            switch node.name {
            case "td", "th":
                if node.attributes["colspan"] != nil || node.attributes["rowspan"] != nil {
                    throw refuse("unsupported-markup", node.line, "sel tabel yang menggabung kolom atau baris (colspan/rowspan) belum didukung")
                }
            case "colgroup", "col":
                return
            default:
                break
            }
            if let kept = keptMarkup[node.name] {
                if kept == "br" {
                    output += "<br/>"
                    return
                }
                output += "<\(kept)>"
                try children(node, math: false)
                output += "</\(kept)>"
            } else {
                try children(node, math: false)
            }
        }
        try walk(element, math: false)
        return output
    }

    /// A whole number as QTI writes it (`3`, `3.0`), within what a weight can be.
    static func wholeNumber(_ raw: String) -> Int? {
        if let value = Int(raw) { return value }
        guard let double = Double(raw), double.isFinite, abs(double) < 1e9 else { return nil }
        return Int(exactly: double)
    }

    /// An XML Schema boolean: `true` or `1`.
    static func truthy(_ value: String?) -> Bool { value == "true" || value == "1" }

    enum Scoring {
        case correct(XMLElement)
        case mapping(XMLElement)
    }

    /// How the item is scored: its response processing's official template
    /// (`match_correct`, `map_response`), or exactly that template written out (as TAO
    /// exports it); with no response processing at all, the mapping if there is one, else
    /// the correct response. Any other processing is refused: it may score differently.
    static func scoring(
        _ root: XMLElement,
        declaration: XMLElement,
        responseID: String,
        refuse: (String, Int?, String) -> BankProblem
    ) throws(BankProblem) -> Scoring {
        let correct = declaration.first("correctResponse")
        let mapping = declaration.first("mapping")
        func need(_ element: XMLElement?, _ what: String, line: Int) throws(BankProblem) -> XMLElement {
            guard let element else { throw refuse("unscored", line, "pemrosesan jawaban memakai \(what), tetapi responseDeclaration tidak memilikinya") }
            return element
        }
        guard let processing = root.first("responseProcessing") else {
            if let mapping { return .mapping(mapping) }
            if let correct { return .correct(correct) }
            throw refuse("unscored", declaration.line, "tidak ada correctResponse maupun mapping: soal tanpa penilaian (misalnya angket)")
        }
        if let template = processing.attributes["template"] {
            let name = ((template as NSString).lastPathComponent as NSString).deletingPathExtension
            let official = template.contains("imsglobal.org/") && template.contains("/rptemplates/")
            switch name {
            case "match_correct" where official: return .correct(try need(correct, "match_correct (correctResponse)", line: processing.line))
            case "map_response" where official: return .mapping(try need(mapping, "map_response (mapping)", line: processing.line))
            default:
                throw refuse(
                    "unsupported-scoring",
                    processing.line,
                    "templat pemrosesan jawaban '\(template)' belum didukung (hanya templat resmi match_correct dan map_response)"
                )
            }
        }
        if processing.elements.isEmpty {
            throw refuse("unscored", processing.line, "responseProcessing kosong: soal tanpa penilaian")
        }
        if WrittenTemplate.isMatchCorrect(processing, response: responseID) {
            return .correct(try need(correct, "match_correct (correctResponse)", line: processing.line))
        }
        if WrittenTemplate.isMapResponse(processing, response: responseID) {
            return .mapping(try need(mapping, "map_response (mapping)", line: processing.line))
        }
        throw refuse("unsupported-scoring", processing.line, "pemrosesan jawaban khusus yang belum dapat dibaca (bukan match_correct atau map_response)")
    }

    private static let blockElements: Set<String> = ["p", "div", "blockquote", "br", "li", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "pre", "prompt"]
    private static let skipped: Set<String> = ["modalFeedback", "feedbackInline", "feedbackBlock", "stylesheet"]

    /// What both renderings do with content that is not text, or nil for an ordinary
    /// element: an image becomes its alt text; external content and a rubric the candidate
    /// sees (often a passage) are refused, never dropped; feedback, style sheets and a
    /// rubric for scorers are left out (`nil` text).
    private static func leaf(_ node: XMLElement, refuse: (String, Int?, String) -> BankProblem) throws(BankProblem) -> String?? {
        if skipped.contains(node.name) { return .some(nil) }
        switch node.name {
        case "img":
            guard let alt = node.attributes["alt"], !alt.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw refuse("image-without-alt", node.line, "gambar \(node.attributes["src"] ?? "") tanpa teks alt tidak dapat dibawa ke bank")
            }
            return .some(" [Gambar: \(alt)] ")
        case "object", "video", "audio", "iframe":
            throw refuse(
                "external-object",
                node.line,
                "merujuk konten luar (\(node.name) \(node.attributes["data"] ?? node.attributes["src"] ?? "")) yang tidak dapat dibawa ke bank"
            )
        case "rubricBlock":
            if (node.attributes["view"] ?? "").contains("candidate") {
                throw refuse("unsupported-markup", node.line, "rubricBlock untuk peserta (sering berisi bacaan) belum dapat dibawa ke bank")
            }
            return .some(nil)
        default:
            return nil
        }
    }

    /// Plain text of an item without powers, indices, formulas or tables (those make it a
    /// rich item, `renderMarkup`): blocks become lines, images their `alt` text, emphasis
    /// its words (the text stays as written).
    static func renderText(
        _ element: XMLElement,
        replacing interaction: XMLElement? = nil,
        refuse: (String, Int?, String) -> BankProblem
    ) throws(BankProblem) -> String {
        var output = ""
        func walk(_ node: XMLElement) throws(BankProblem) {
            if let interaction, node === interaction {
                if let prompt = node.first("prompt") { try walk(prompt) }
                return
            }
            if let special = try leaf(node, refuse: refuse) {
                output += special ?? ""
                return
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
