import Foundation

/// The small, safe markup an item's stem, options and explanation may carry when the
/// item says `markup: true`: an XHTML fragment of emphasis, powers and indices, line
/// breaks and paragraphs, simple tables, MathML formulas (which browsers render
/// natively) and images from the bank folder, each with its alt text. Anything else is
/// refused at load with its line; nothing is dropped or flattened. What reaches a
/// candidate is never the text as written but this fragment written out again from its
/// checked parts, so no other element or attribute can get through.
public struct ItemMarkup: Sendable, Hashable {
    struct Attribute: Sendable, Hashable {
        let name: String
        let value: String
    }

    indirect enum Node: Sendable, Hashable {
        case text(String)
        case element(String, attributes: [Attribute], children: [Node])
    }

    let nodes: [Node]

    /// Elements allowed, with the attributes each may have.
    static let allowed: [String: Set<String>] = [
        "em": [], "strong": [], "sup": [], "sub": [], "br": [], "p": [],
        "table": [], "caption": [], "tr": [], "th": [], "td": [],
        "img": ["src", "alt"],
        "math": [], "mi": [], "mn": [], "mo": [], "mtext": [], "mrow": [], "msup": [], "msub": [], "mfrac": [], "msqrt": [],
    ]
    static let void: Set<String> = ["br", "img"]
    public static let mathElements: Set<String> = ["mi", "mn", "mo", "mtext", "mrow", "msup", "msub", "mfrac", "msqrt"]

    /// Why a fragment is refused, with its line inside the fragment (1 is the first).
    public struct Problem: Error, Sendable, Hashable {
        public let line: Int
        public let message: String
    }

    /// Reads a fragment as written in the bank.
    public static func parse(_ text: String) throws(Problem) -> ItemMarkup {
        let root: XMLElement
        switch parseXMLTree(Data(("<fragmen>" + text + "</fragmen>").utf8)) {
        case .failure(let failure): throw Problem(line: failure.line, message: "markup tidak valid: \(failure.message)")
        case .success(let parsed): root = parsed
        }
        func read(_ element: XMLElement, inMath: Bool) throws(Problem) -> Node {
            let name = element.name
            guard let attributes = allowed[name] else {
                throw Problem(
                    line: element.line,
                    message:
                        "elemen <\(name)> tidak termasuk markup soal (yang boleh: \(allowed.keys.sorted().joined(separator: ", ")))"
                )
            }
            if mathElements.contains(name), !inMath {
                throw Problem(line: element.line, message: "elemen MathML <\(name)> hanya boleh di dalam <math>")
            }
            if inMath, !mathElements.contains(name) {
                throw Problem(line: element.line, message: "elemen <\(name)> tidak boleh di dalam rumus <math>")
            }
            for key in element.attributes.keys.sorted() where !attributes.contains(key) {
                throw Problem(line: element.line, message: "atribut \(key) pada <\(name)> tidak diizinkan")
            }
            var pairs: [Attribute] = []
            if name == "img" {
                guard let source = element.attributes["src"], !source.isEmpty else {
                    throw Problem(line: element.line, message: "gambar tanpa src")
                }
                guard let alt = element.attributes["alt"]?.trimmingCharacters(in: .whitespacesAndNewlines), !alt.isEmpty else {
                    throw Problem(line: element.line, message: "gambar \(source) tanpa teks alt (wajib: dibacakan untuk peserta tunanetra)")
                }
                pairs = [Attribute(name: "src", value: source), Attribute(name: "alt", value: alt)]
            }
            if void.contains(name), !element.children.isEmpty {
                throw Problem(line: element.line, message: "<\(name)> tidak boleh berisi apa pun")
            }
            var children: [Node] = []
            for child in element.children {
                switch child {
                case .text(let text): children.append(.text(text))
                case .element(let inner): children.append(try read(inner, inMath: inMath || name == "math"))
                }
            }
            return .element(name, attributes: pairs, children: children)
        }
        var nodes: [Node] = []
        for child in root.children {
            switch child {
            case .text(let text): nodes.append(.text(text))
            case .element(let element): nodes.append(try read(element, inMath: false))
            }
        }
        return ItemMarkup(nodes: nodes)
    }

    /// The image paths it shows, in order.
    public var images: [String] {
        var found: [String] = []
        func walk(_ node: Node) {
            guard case .element(let name, let attributes, let children) = node else { return }
            if name == "img", let source = attributes.first(where: { $0.name == "src" })?.value { found.append(source) }
            children.forEach(walk)
        }
        nodes.forEach(walk)
        return found
    }

    /// The fragment written out again from its checked parts (text escaped). `image`
    /// gives the attribute that points at an image (`src="…"` in the bank, a content
    /// address at the node).
    public func html(image: (String) -> (name: String, value: String) = { ("src", $0) }) -> String {
        var out = ""
        func walk(_ node: Node) {
            switch node {
            case .text(let text): out += Self.escaped(text, quote: false)
            case .element(let name, let attributes, let children):
                out += "<" + name
                for attribute in attributes {
                    let (key, written) = attribute.name == "src" ? image(attribute.value) : (attribute.name, attribute.value)
                    out += " \(key)=\"\(Self.escaped(written, quote: true))\""
                }
                // Void elements closed as XHTML (`<br/>`): the text reads as HTML and as XML alike.
                if Self.void.contains(name) {
                    out += "/>"
                    return
                }
                out += ">"
                children.forEach(walk)
                out += "</\(name)>"
            }
        }
        nodes.forEach(walk)
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The words (an image as its alt text in brackets), for comparing options.
    public var plainText: String {
        var out = ""
        func walk(_ node: Node) {
            switch node {
            case .text(let text): out += text
            case .element(let name, let attributes, let children):
                if name == "img" { out += " [Gambar: \(attributes.first { $0.name == "alt" }?.value ?? "")] " }
                if name == "br" || name == "p" || name == "tr" { out += "\n" }
                if name == "td" || name == "th" { out += " " }
                children.forEach(walk)
            }
        }
        nodes.forEach(walk)
        return out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    public static func escaped(_ text: String, quote: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quote: out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
