import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small element tree read with Foundation's XMLParser: enough to interpret a QTI
/// item, with the line each element starts on for error messages.
final class XMLElement {
    enum Child {
        case element(XMLElement)
        case text(String)
    }

    /// Local name, prefix removed, QTI 3 kebab-case turned into QTI 2 camelCase
    /// (`qti-choice-interaction` → `choiceInteraction`) so one interpreter serves both.
    let name: String
    let attributes: [String: String]
    let line: Int
    var children: [Child] = []

    init(name: String, attributes: [String: String], line: Int) {
        self.name = name
        self.attributes = attributes
        self.line = line
    }

    var elements: [XMLElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    func first(_ name: String) -> XMLElement? { elements.first { $0.name == name } }

    /// Every descendant element (depth first), this one excluded.
    var descendants: [XMLElement] { elements.flatMap { [$0] + $0.descendants } }

    /// Concatenated text of this element and its descendants.
    var text: String {
        children.map { child in
            switch child {
            case .text(let text): text
            case .element(let element): element.text
            }
        }.joined()
    }

    static func normalise(_ raw: String) -> String {
        var name = raw
        if let colon = name.lastIndex(of: ":") { name = String(name[name.index(after: colon)...]) }
        guard name.hasPrefix("qti-") || name.contains("-") else { return name }
        if name.hasPrefix("qti-") { name.removeFirst(4) }
        let parts = name.split(separator: "-")
        return parts.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
    }
}

/// Parses XML data into an `XMLElement` tree, or gives the line and reason it failed.
struct XMLFailure: Error {
    let line: Int
    let message: String
}

func parseXMLTree(_ data: Data) -> Result<XMLElement, XMLFailure> {
    // UTF-8 only: the checks below read bytes, and another encoding could hide from them.
    if data.starts(with: [0xFE, 0xFF]) || data.starts(with: [0xFF, 0xFE]) || data.contains(0) || String(data: data, encoding: .utf8) == nil {
        return .failure(XMLFailure(line: 1, message: "berkas harus UTF-8"))
    }
    if let declaration = String(decoding: data.prefix(200), as: UTF8.self).firstMatch(of: /^\u{FEFF}?<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/),
        !["utf-8", "utf8", "us-ascii"].contains(declaration.1.lowercased())
    {
        return .failure(XMLFailure(line: 1, message: "berkas menyatakan pengodean \(declaration.1); harus UTF-8"))
    }
    // An entity the file declares itself (`<!ENTITY kali "&#215;">`): the parser drops its
    // uses silently ("3 &kali; 4" reads "3 4"), so the file is refused instead.
    if let declaration = data.range(of: Data("<!ENTITY".utf8)) {
        let line = 1 + data[..<declaration.lowerBound].count { $0 == 0x0A }
        let name = String(decoding: data[declaration.upperBound...].prefix(64), as: UTF8.self).split(whereSeparator: \.isWhitespace).first ?? ""
        return .failure(
            XMLFailure(line: line, message: "entitas &\(name); dideklarasikan di berkas sendiri; tulis karakternya langsung (mis. × atau °)")
        )
    }
    if let unknown = undeclaredEntity(data) {
        return .failure(
            XMLFailure(
                line: unknown.line,
                message: "entitas &\(unknown.name); tidak dikenal XML (HTML, bukan XML); tulis karakternya langsung atau sebagai &#kode;"
            )
        )
    }
    let builder = XMLTreeBuilder()
    let parser = XMLParser(data: data)
    parser.shouldResolveExternalEntities = false
    parser.delegate = builder
    builder.parser = parser
    let parsed = parser.parse()
    if let failure = builder.failure { return .failure(failure) }
    if parsed, let root = builder.root { return .success(root) }
    let reason = parser.parserError.map(describeXMLError) ?? "XML tidak valid"
    return .failure(XMLFailure(line: parser.lineNumber, message: reason))
}

/// The first named entity XML does not define itself (`&nbsp;`, `&times;`), outside
/// comments and CDATA: Foundation's parser on Linux drops them silently ("Garuda&nbsp;
/// Pancasila" read "GarudaPancasila"), so the file is refused instead.
func undeclaredEntity(_ data: Data) -> (name: String, line: Int)? {
    let bytes = [UInt8](data)
    let known: Set<String> = ["amp", "lt", "gt", "quot", "apos"]
    var line = 1
    var index = 0
    func starts(_ text: StaticString, at position: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        return text.withUTF8Buffer { pattern in bytes[position..<position + count].elementsEqual(pattern) }
    }
    func skip(to end: StaticString) {
        while index < bytes.count, !starts(end, at: index) {
            if bytes[index] == 0x0A { line += 1 }
            index += 1
        }
        index += end.utf8CodeUnitCount
    }
    while index < bytes.count {
        let byte = bytes[index]
        if byte == 0x0A { line += 1 }
        if byte == 0x3C, starts("<!--", at: index) {
            skip(to: "-->")
            continue
        }
        if byte == 0x3C, starts("<![CDATA[", at: index) {
            skip(to: "]]>")
            continue
        }
        if byte == 0x3C, starts("<?", at: index) {
            skip(to: "?>")
            continue
        }
        if byte == 0x26, index + 1 < bytes.count, bytes[index + 1] != 0x23 {
            // Whatever follows up to the `;`: a name XML does not define is refused,
            // and so is an `&` that starts no reference (the parser reports that itself).
            var end = index + 1
            while end < bytes.count, bytes[end] != 0x3B, bytes[end] > 0x20, bytes[end] != 0x26, bytes[end] != 0x3C { end += 1 }
            if end < bytes.count, bytes[end] == 0x3B {
                let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                if !known.contains(name) { return (String(name.prefix(40)), line) }
            }
        }
        index += 1
    }
    return nil
}

/// What an XMLParser error means, in words ("error 76" told nobody anything). The codes
/// are libxml2's, which XMLParser passes on; the code stays in the message for the rest.
func describeXMLError(_ error: any Error) -> String {
    let code = (error as NSError).code
    let words: [Int: String] = [
        4: "berkas kosong",
        5: "berkas berakhir sebelum semua elemen ditutup",
        9: "karakter yang tidak sah dalam XML",
        23: "rujukan entitas tanpa titik koma (tulis &amp; untuk tanda &)",
        26: "entitas yang tidak dikenal XML (mis. &nbsp;); tulis karakternya langsung",
        31: "pengodean karakter tidak dikenal",
        38: "tanda < di dalam nilai atribut",
        39: "nilai atribut tanpa tanda kutip",
        41: "atribut tanpa nilai",
        42: "atribut yang sama ditulis dua kali",
        65: "spasi diperlukan",
        68: "nama elemen atau atribut diperlukan",
        73: "tanda > diperlukan",
        76: "tag penutup tidak cocok dengan tag pembukanya",
        77: "tag tidak ditutup",
        85: "elemen tidak seimbang",
        86: "ada isi setelah elemen akar",
    ]
    return "\(words[code] ?? "XML tidak dapat dibaca") (kode libxml2 \(code))"
}

/// How deep elements may nest in an item (real QTI items stay well under 30): deeper is
/// refused at once, before a tree that deep is built (it crashed the importer at 30,000).
let maximumXMLDepth = 100

private final class XMLTreeBuilder: NSObject, XMLParserDelegate {
    weak var parser: XMLParser?
    var root: XMLElement?
    /// The first error; the parser may recover and go on, but the item must not.
    var failure: XMLFailure?
    private var stack: [XMLElement] = []

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        guard failure == nil else { return }
        guard stack.count < maximumXMLDepth else {
            failure = XMLFailure(line: parser.lineNumber, message: "elemen bersarang lebih dari \(maximumXMLDepth) tingkat")
            parser.abortParsing()
            return
        }
        var attributes: [String: String] = [:]
        for (key, value) in attributeDict { attributes[XMLElement.normalise(key)] = value }
        let element = XMLElement(name: XMLElement.normalise(elementName), attributes: attributes, line: parser.lineNumber)
        if let parent = stack.last { parent.children.append(.element(element)) } else { root = element }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard failure == nil else { return }
        let name = XMLElement.normalise(elementName)
        if failure == nil, stack.last?.name != name {
            failure = XMLFailure(line: parser.lineNumber, message: "tag penutup </\(elementName)> tidak cocok dengan <\(stack.last?.name ?? "")>")
        }
        if !stack.isEmpty { stack.removeLast() }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if failure == nil { failure = XMLFailure(line: parser.lineNumber, message: describeXMLError(parseError)) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.children.append(.text(string))
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        stack.last?.children.append(.text(String(decoding: CDATABlock, as: UTF8.self)))
    }
}
