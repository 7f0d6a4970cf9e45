/// A paper as the node stores it: JSON with sorted keys, the very bytes `JSONEncoder`
/// with `.sortedKeys` writes (slashes escaped, other text as UTF-8), written directly.
/// A 10,000-candidate roster stores 10,000 papers, and the generic encoder spent most of
/// a roster load's processor time on them.
extension Paper {
    public var sortedJSON: String {
        var out = "{"
        out.reserveCapacity(64 * itemCount + 320)
        if let bankContent {
            out += "\"bankContent\":"
            Self.append(bankContent, to: &out)
            out += ","
        }
        out += "\"bankID\":"
        Self.append(bankID, to: &out)
        out += ",\"bankVersion\":"
        Self.append(bankVersion, to: &out)
        out += ",\"fingerprint\":"
        Self.append(fingerprint, to: &out)
        out += ",\"ruleSetID\":"
        Self.append(ruleSetID, to: &out)
        out += ",\"sections\":["
        for (s, section) in sections.enumerated() {
            out += s == 0 ? "{\"items\":[" : ",{\"items\":["
            for (i, item) in section.items.enumerated() {
                out += i == 0 ? "{\"itemID\":" : ",{\"itemID\":"
                Self.append(item.itemID, to: &out)
                out += ",\"itemVersion\":\(item.itemVersion),\"optionOrder\":["
                out += item.optionOrder.map(String.init).joined(separator: ",")
                out += "]}"
            }
            out += "],\"subtest\":"
            Self.append(section.subtest, to: &out)
            out += "}"
        }
        out += "],\"seed\":\(seed)}"
        return out
    }

    /// A JSON string as `JSONEncoder` escapes it.
    static func append(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/": out += "\\/"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
