import Yams

/// Writes items in the bank's YAML item format (`QuestionBanks/README.md`), fields in
/// the documented order, so that an imported file reads like a hand-written one.
public enum BankWriter {
    public static func yaml(items: [Item]) throws -> String {
        let entries: [Node] = items.map { item in
            var pairs: [(Node, Node)] = [
                ("id", Node(item.id)),
                ("version", Node(String(item.version), Tag(.int))),
                ("subtest", Node(item.subtest)),
                ("topic", Node(item.topic)),
                ("difficulty", Node(String(item.difficulty), Tag(.int))),
                ("stem", Node(item.stem, Tag(.str), .literal)),
            ]
            if item.markup { pairs.append(("markup", Node("true", Tag(.bool)))) }
            // Every option in place is written as the item's `shuffle: false`.
            let inPlace = item.options.count > 1 && item.options.allSatisfy(\.fixed)
            let options: [Node] = item.options.map { option in
                var fields: [(Node, Node)] = [("text", Node(option.text))]
                if option.correct { fields.append(("correct", Node("true", Tag(.bool)))) }
                if let weight = option.weight { fields.append(("weight", Node(String(weight), Tag(.int)))) }
                if option.fixed, !inPlace { fields.append(("fixed", Node("true", Tag(.bool)))) }
                return Node(fields)
            }
            if inPlace { pairs.append(("shuffle", Node("false", Tag(.bool)))) }
            pairs.append(("options", Node(options)))
            if let explanation = item.explanation { pairs.append(("explanation", Node(explanation, Tag(.str), .literal))) }
            return Node(pairs)
        }
        let root: [(Node, Node)] = [("items", Node(entries))]
        return try Yams.serialize(node: Node(root), allowUnicode: true)
    }
}
