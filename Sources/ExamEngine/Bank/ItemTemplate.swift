/// A stem, option or explanation text with `{expression}` placeholders.
struct TemplateText: Sendable {
    enum Segment: Sendable {
        case literal(String)
        case expression(TemplateExpression, source: String)
    }

    let segments: [Segment]

    static func parse(_ text: String) throws(ExpressionFailure) -> TemplateText {
        var segments: [Segment] = []
        var literal = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            literal += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw .syntax("kurung kurawal '{' tanpa '}'")
            }
            let source = String(rest[rest.index(after: open)..<close])
            if !literal.isEmpty { segments.append(.literal(literal)) }
            literal = ""
            segments.append(.expression(try TemplateExpression.parse(source), source: source))
            rest = rest[rest.index(after: close)...]
        }
        if rest.contains("}") { throw .syntax("kurung kurawal '}' tanpa '{'") }
        literal += rest
        if !literal.isEmpty { segments.append(.literal(literal)) }
        return TemplateText(segments: segments)
    }

    var parameters: Set<String> {
        segments.reduce(into: Set<String>()) { names, segment in
            if case .expression(let expression, _) = segment { names.formUnion(expression.parameters) }
        }
    }

    func render(_ values: [String: Int]) throws(TemplateFailure) -> String {
        var text = ""
        for segment in segments {
            switch segment {
            case .literal(let literal):
                text += literal
            case .expression(let expression, let source):
                text += formatIndonesian(try wholeValue(expression, source: source, values))
            }
        }
        return text
    }
}

/// Why one instance of a template cannot become an item.
struct TemplateFailure: Error, Sendable {
    let code: String
    let message: String
}

func wholeValue(_ expression: TemplateExpression, source: String, _ values: [String: Int]) throws(TemplateFailure) -> Int {
    let value: Fraction
    do {
        value = try expression.evaluate(values)
    } catch {
        let code =
            switch error {
            case .unknownParameter: "unknown-parameter"
            case .divisionByZero: "division-by-zero"
            default: "expression-error"
            }
        throw TemplateFailure(code: code, message: "\(error) dalam {\(source)}")
    }
    guard let whole = value.wholeNumber else {
        throw TemplateFailure(
            code: "not-whole-number",
            message: "{\(source)} menghasilkan pecahan \(value.numerator)/\(value.denominator), bukan bilangan bulat"
        )
    }
    return whole
}

/// A parameterised numeric item: the key and the distractors are computed, never typed.
struct ItemTemplate: Sendable {
    enum Answer: Sendable {
        /// The answer and its distractors, shown sorted from smallest to largest.
        case numeric(answer: TemplateExpression, answerSource: String, distractors: [(TemplateExpression, String)])
        /// A quantitative comparison of P and Q.
        case compare(p: TemplateExpression, pSource: String, q: TemplateExpression, qSource: String)
    }

    static let comparisonOptions = ["P > Q", "P < Q", "P = Q", "Hubungan P dan Q tidak dapat ditentukan"]

    let id: String
    let version: Int
    let subtest: String
    let topic: String
    let difficulty: Int
    let stem: TemplateText
    let explanation: TemplateText?
    let answer: Answer

    var parameters: Set<String> {
        var names = stem.parameters.union(explanation?.parameters ?? [])
        switch answer {
        case .numeric(let answer, _, let distractors):
            names.formUnion(answer.parameters)
            for (expression, _) in distractors { names.formUnion(expression.parameters) }
        case .compare(let p, _, let q, _):
            names.formUnion(p.parameters)
            names.formUnion(q.parameters)
        }
        return names
    }

    /// The item for instance number `number` (1-based) with these parameter values.
    func instantiate(number: Int, values: [String: Int], origin: SourceLocation) throws(TemplateFailure) -> Item {
        let itemID = "\(id)-\(number)"
        let stemText = try stem.render(values)
        let explanationText = try explanation?.render(values)
        var options: [ItemOption] = []
        let keyIndex: Int
        switch answer {
        case .numeric(let answer, let answerSource, let distractors):
            let correct = try wholeValue(answer, source: answerSource, values)
            var wrong: [Int] = []
            for (expression, source) in distractors {
                let value = try wholeValue(expression, source: source, values)
                if value == correct {
                    throw TemplateFailure(
                        code: "duplicate-option",
                        message: "pengecoh {\(source)} sama dengan jawaban (\(formatIndonesian(value)))"
                    )
                }
                if wrong.contains(value) {
                    throw TemplateFailure(
                        code: "duplicate-option",
                        message: "pengecoh {\(source)} sama dengan pengecoh lain (\(formatIndonesian(value)))"
                    )
                }
                wrong.append(value)
            }
            let sorted = ([correct] + wrong).sorted()
            keyIndex = sorted.firstIndex(of: correct)!
            for (index, value) in sorted.enumerated() {
                options.append(ItemOption(id: ItemOption.letters[index], text: formatIndonesian(value), correct: index == keyIndex))
            }
        case .compare(let p, let pSource, let q, let qSource):
            let left = try wholeValue(p, source: pSource, values)
            let right = try wholeValue(q, source: qSource, values)
            keyIndex = left > right ? 0 : (left < right ? 1 : 2)
            for (index, text) in Self.comparisonOptions.enumerated() {
                options.append(
                    ItemOption(id: ItemOption.letters[index], text: text, correct: index == keyIndex, fixed: index == 3)
                )
            }
        }
        return Item(
            id: itemID,
            version: version,
            subtest: subtest,
            topic: topic,
            difficulty: difficulty,
            stem: stemText,
            options: options,
            explanation: explanationText,
            key: .correct(optionIndex: keyIndex),
            origin: origin,
            templateID: id
        )
    }
}
