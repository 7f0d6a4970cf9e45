import Crypto
import Foundation

/// What identifies an item's content: the SHA-256 of a canonical text of everything a
/// candidate sees of it and how it is scored, each image by the digest of its bytes.
enum ItemFingerprint {
    static func of(_ item: Item, images: [String: BankImage]) -> String {
        var text = "seleksi-item/1\nid:\(item.id)@\(item.version)\nmarkup:\(item.markup)\nstem:\(item.stem.count):\(item.stem)\n"
        if let passage = item.passage {
            text += "passage:\(passage.id)@\(passage.version):\(passage.markup):\(passage.text.count):\(passage.text)\n"
        }
        for option in item.options {
            text += "option:\(option.id):\(option.correct):\(option.weight.map(String.init) ?? "-"):\(option.fixed):\(option.text.count):\(option.text)\n"
        }
        for path in item.images { text += "image:\(path):\(images[path]?.digest ?? "-")\n" }
        return hex(text)
    }

    static func hex(_ text: String) -> String { SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined() }
}
