import ExamEngine

/// Writes a candidate's paper as the JSON their browser receives (a `CandidatePaper`:
/// items and options in the candidate's order, never the key or the weights).
///
/// Every item's text is escaped once, when the node starts; a paper is then written by
/// copying those pieces in the candidate's order. A full room fetches its papers in the
/// same few seconds, and escaping 110 stems for each of them (or running Foundation's
/// encoder, which takes milliseconds a paper) was most of the node's work at the start.
struct PaperRenderer: Sendable {
    /// Per item: `"id":…,"subtest":…,"stem":…,"options":[`.
    private let heads: [String: [UInt8]]
    /// Per item, per option in the bank's order: `{"id":…,"text":…}`.
    private let options: [String: [[UInt8]]]
    /// Per item with a passage: the passage's id.
    private let bankPassage: [String: String]
    /// Per passage: `"id":{"markup":…,"text":…}`.
    private let passages: [String: [UInt8]]

    init(bank: QuestionBank) {
        var heads: [String: [UInt8]] = [:]
        var options: [String: [[UInt8]]] = [:]
        func written(_ text: String, markup: Bool) -> String {
            guard markup, let fragment = try? ItemMarkup.parse(text) else { return text }
            return fragment.html { path in ("data-gambar", bank.images[path]?.digest ?? "") }
        }
        self.passages = bank.passages.mapValues { passage in
            var out: [UInt8] = []
            JSONText.string(passage.id, to: &out)
            JSONText.raw(":{\"markup\":", to: &out)
            out.append(contentsOf: (passage.markup ? "true" : "false").utf8)
            JSONText.raw(",\"text\":", to: &out)
            JSONText.string(written(passage.text, markup: passage.markup), to: &out)
            JSONText.raw("}", to: &out)
            return out
        }
        for item in bank.items {
            // A rich item's images are named by their content address; the page fetches
            // them with the candidate's token (`GET /api/exam/images/{digest}`).
            // Sorted: their order says nothing about which option is which.
            let digests = Set(item.images.compactMap { bank.images[$0]?.digest }).sorted()
            func shown(_ text: String) -> String { written(text, markup: item.markup) }
            var head: [UInt8] = []
            JSONText.raw("\"id\":", to: &head)
            JSONText.string(item.id, to: &head)
            JSONText.raw(",\"subtest\":", to: &head)
            JSONText.string(item.subtest, to: &head)
            if let passage = item.passage {
                JSONText.raw(",\"passage\":", to: &head)
                JSONText.string(passage.id, to: &head)
            }
            if item.markup { JSONText.raw(",\"markup\":true", to: &head) }
            // A plain item's rich passage may carry figures too.
            if item.markup || !digests.isEmpty {
                JSONText.raw(",\"images\":[", to: &head)
                for (index, digest) in digests.enumerated() {
                    if index > 0 { JSONText.raw(",", to: &head) }
                    JSONText.string(digest, to: &head)
                }
                JSONText.raw("]", to: &head)
            }
            JSONText.raw(",\"stem\":", to: &head)
            JSONText.string(shown(item.stem), to: &head)
            JSONText.raw(",\"options\":[", to: &head)
            heads[item.id] = head
            options[item.id] = item.options.map { option in
                var out: [UInt8] = []
                JSONText.raw("{\"id\":", to: &out)
                JSONText.string(option.id, to: &out)
                JSONText.raw(",\"text\":", to: &out)
                JSONText.string(shown(option.text), to: &out)
                JSONText.raw("}", to: &out)
                return out
            }
        }
        self.heads = heads
        self.options = options
        self.bankPassage = bank.items.reduce(into: [:]) { map, item in map[item.id] = item.passage?.id }
    }

    /// The paper's JSON. Throws if the paper names an item or option this bank does not
    /// have (a paper is only ever assembled from the same bank).
    func render(participantNumber: String, name: String, ruleSet: String, paper: Paper) throws(ExamNodeError) -> [UInt8] {
        let items = paper.items
        var size = 96 + participantNumber.utf8.count * 2 + name.utf8.count * 2 + ruleSet.utf8.count * 2
        for item in items {
            guard let head = heads[item.itemID], let options = options[item.itemID] else { throw .unknownItem(item.itemID) }
            size += head.count + 24
            for index in item.optionOrder {
                guard options.indices.contains(index) else { throw .unknownItem(item.itemID) }
                size += options[index].count + 1
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        JSONText.raw("{\"participantNumber\":", to: &out)
        JSONText.string(participantNumber, to: &out)
        JSONText.raw(",\"name\":", to: &out)
        JSONText.string(name, to: &out)
        JSONText.raw(",\"ruleSet\":", to: &out)
        JSONText.string(ruleSet, to: &out)
        JSONText.raw(",\"items\":[", to: &out)
        for (position, item) in items.enumerated() {
            if position > 0 { JSONText.raw(",", to: &out) }
            JSONText.raw("{\"number\":", to: &out)
            out.append(contentsOf: String(position + 1).utf8)
            JSONText.raw(",", to: &out)
            out.append(contentsOf: heads[item.itemID]!)
            let options = options[item.itemID]!
            for (place, index) in item.optionOrder.enumerated() {
                if place > 0 { JSONText.raw(",", to: &out) }
                out.append(contentsOf: options[index])
            }
            JSONText.raw("]}", to: &out)
        }
        // Each passage once, however many of its items the paper has.
        JSONText.raw("],\"passages\":{", to: &out)
        var written: Set<String> = []
        for item in items {
            guard let passage = bankPassage[item.itemID], let json = passages[passage], written.insert(passage).inserted else { continue }
            if written.count > 1 { JSONText.raw(",", to: &out) }
            out.append(contentsOf: json)
        }
        JSONText.raw("}}", to: &out)
        return out
    }
}

/// The two pieces JSON text is written from: literal text and escaped strings.
enum JSONText {
    static func raw(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    static func string(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"", to: &out)
            case UInt8(ascii: "\\"): raw("\\\\", to: &out)
            case UInt8(ascii: "\n"): raw("\\n", to: &out)
            case UInt8(ascii: "\r"): raw("\\r", to: &out)
            case UInt8(ascii: "\t"): raw("\\t", to: &out)
            case 0..<0x20:
                raw("\\u00", to: &out)
                let digits: StaticString = "0123456789abcdef"
                out.append(digits.utf8Start[Int(byte >> 4)])
                out.append(digits.utf8Start[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
