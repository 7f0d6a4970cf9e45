import Crypto
public import Foundation

/// An image an item shows: a file in the bank folder (SVG, PNG or JPEG), read and checked
/// once when the bank loads. Its bytes are part of the item's fingerprint, so a changed
/// figure is a changed item.
public struct BankImage: Sendable, Hashable {
    /// As the item writes it, relative to the bank folder (`figures/deret-1.svg`).
    public let path: String
    public let mediaType: String
    /// SHA-256 (hex) of the bytes: the image's content address.
    public let digest: String
    public let data: Data

    /// Larger images are refused: a room loads every figure of a paper at its start.
    public static let maximumBytes = 256 * 1024

    /// The image at `path` under `directory`, or why it is refused.
    struct Refusal: Error {
        let message: String
    }

    static func read(_ path: String, in directory: String) -> Result<BankImage, Refusal> {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.hasPrefix("/"), !path.contains("\\"), !path.contains(":"), !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            return .failure(Refusal(message: "gambar \(path): jalurnya harus di dalam folder bank (mis. figures/nama.svg)"))
        }
        let types = ["svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"]
        guard let mediaType = types[(path as NSString).pathExtension.lowercased()] else {
            return .failure(Refusal(message: "gambar \(path): hanya SVG, PNG atau JPEG"))
        }
        let full = BankLoader.join(directory, path)
        // Never a link out of the bank folder.
        let resolved = (full as NSString).resolvingSymlinksInPath
        let root = (directory as NSString).resolvingSymlinksInPath
        guard resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            return .failure(Refusal(message: "gambar \(path): menunjuk ke luar folder bank"))
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved), attributes[.type] as? FileAttributeType == .typeRegular else {
            return .failure(Refusal(message: "gambar \(path) tidak ada di folder bank"))
        }
        guard let size = attributes[.size] as? Int, size <= maximumBytes else {
            return .failure(Refusal(message: "gambar \(path) lebih dari \(maximumBytes / 1024) KB"))
        }
        guard let data = FileManager.default.contents(atPath: resolved) else { return .failure(Refusal(message: "gambar \(path) tidak dapat dibaca")) }
        let bytes = [UInt8](data.prefix(8))
        switch mediaType {
        case "image/png" where bytes != [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]:
            return .failure(Refusal(message: "gambar \(path) bukan berkas PNG"))
        case "image/jpeg" where !bytes.starts(with: [0xFF, 0xD8, 0xFF]):
            return .failure(Refusal(message: "gambar \(path) bukan berkas JPEG"))
        case "image/svg+xml":
            if let problem = SVGCheck.problem(data) { return .failure(Refusal(message: "gambar \(path): \(problem)")) }
        default:
            break
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return .success(BankImage(path: path, mediaType: mediaType, digest: digest, data: data))
    }
}

/// An SVG figure is drawing only: shapes, text and their presentation. No script, no
/// event attribute, no link or embedded document, no style sheet, nothing fetched from
/// elsewhere, so a figure can never act in the exam page's origin.
enum SVGCheck {
    static let elements: Set<String> = [
        "svg", "g", "title", "desc", "rect", "circle", "ellipse", "line", "polyline", "polygon", "path", "text", "tspan",
    ]
    /// Attribute names as the XML reader gives them (kebab-case read as camelCase).
    static let attributes: Set<String> = [
        "xmlns", "version", "viewBox", "width", "height", "role", "ariaLabel", "preserveAspectRatio",
        "x", "y", "dx", "dy", "cx", "cy", "r", "rx", "ry", "x1", "y1", "x2", "y2", "points", "d",
        "fill", "fillOpacity", "fillRule", "stroke", "strokeWidth", "strokeLinecap", "strokeLinejoin", "strokeDasharray", "strokeOpacity",
        "opacity", "transform", "fontSize", "fontFamily", "fontWeight", "fontStyle", "textAnchor", "dominantBaseline",
    ]

    static func problem(_ data: Data) -> String? {
        // The file is served as it is: nothing in it the tree below would not show (a
        // comment with the answer, a style sheet instruction, a document type that adds
        // attributes), only the XML declaration at its start.
        let text = String(decoding: data, as: UTF8.self)
        let body = text.hasPrefix("<?xml") ? String(text[(text.range(of: "?>")?.upperBound ?? text.endIndex)...]) : text
        for (mark, what) in [("<!--", "komentar"), ("<?", "instruksi pemrosesan"), ("<!DOCTYPE", "DOCTYPE"), ("<![CDATA[", "CDATA")] where body.contains(mark) {
            return "\(what) tidak diizinkan dalam gambar soal"
        }
        let root: XMLElement
        switch parseXMLTree(data) {
        case .failure(let failure): return "SVG tidak valid (baris \(failure.line)): \(failure.message)"
        case .success(let parsed): root = parsed
        }
        guard root.name == "svg" else { return "bukan SVG (elemen akar <\(root.name)>)" }
        for element in [root] + root.descendants {
            guard elements.contains(element.name) else {
                return "elemen <\(element.name)> (baris \(element.line)) tidak diizinkan dalam gambar soal (hanya bentuk dan teks)"
            }
            for key in element.attributes.keys.sorted() where !attributes.contains(key) {
                return "atribut \(key) pada <\(element.name)> (baris \(element.line)) tidak diizinkan dalam gambar soal"
            }
            for value in element.attributes.values where value.lowercased().contains("url(") {
                return "rujukan url(...) (baris \(element.line)) tidak diizinkan dalam gambar soal"
            }
        }
        return nil
    }
}

/// The images a bank's items show, each read and checked once however many items use it.
final class ImageShelf {
    let directory: String
    private var read: [String: Result<BankImage, BankImage.Refusal>] = [:]

    init(directory: String) { self.directory = directory }

    func image(_ path: String) -> Result<BankImage, BankImage.Refusal> {
        if let known = read[path] { return known }
        let result = BankImage.read(path, in: directory)
        read[path] = result
        return result
    }

    /// Why a rich text is refused: its markup (with the line inside the text) or an image.
    struct MarkupRefusal: Error {
        let code: String
        let line: Int?
        let message: String
    }

    /// A rich text (`ItemMarkup`) written out again from its checked parts, every image it
    /// shows read and checked; those are added to `images` when `shown` (an explanation's
    /// are checked, never shown in the exam, so never the item's).
    func markup(_ text: String, shown: Bool, images: inout [String]) throws(MarkupRefusal) -> String {
        let fragment: ItemMarkup
        do throws(ItemMarkup.Problem) {
            fragment = try ItemMarkup.parse(text)
        } catch {
            throw MarkupRefusal(code: "bad-markup", line: error.line, message: error.message)
        }
        for path in fragment.images {
            if case .failure(let refusal) = image(path) { throw MarkupRefusal(code: "bad-image", line: nil, message: refusal.message) }
            if shown, !images.contains(path) { images.append(path) }
        }
        return fragment.html()
    }

    /// Every image read without a problem, by path.
    var images: [String: BankImage] {
        read.compactMapValues { try? $0.get() }
    }
}
