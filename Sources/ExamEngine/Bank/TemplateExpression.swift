/// An exact fraction, so that a template's arithmetic never rounds a key.
struct Fraction: Hashable, Sendable {
    let numerator: Int
    let denominator: Int

    init(_ value: Int) {
        numerator = value
        denominator = 1
    }

    /// Normalised: denominator positive, lowest terms. Nil on overflow.
    init?(numerator: Int, denominator: Int) {
        precondition(denominator != 0)
        var n = numerator
        var d = denominator
        if d < 0 {
            guard n != .min, d != .min else { return nil }
            n = -n
            d = -d
        }
        let g = Fraction.gcd(n.magnitude, d.magnitude)
        self.numerator = n / Int(g)
        self.denominator = d / Int(g)
    }

    var wholeNumber: Int? { denominator == 1 ? numerator : nil }

    private static func gcd(_ a: UInt, _ b: UInt) -> UInt {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return max(a, 1)
    }
}

/// Why an expression could not be evaluated.
enum ExpressionFailure: Error, Equatable, Sendable {
    case syntax(String)
    case unknownParameter(String)
    case divisionByZero
    case overflow
    case fractionalExponent
}

/// An arithmetic expression of a question template: whole numbers, parameters,
/// `+ - * / ^` and parentheses. Parsed once, evaluated per instance.
indirect enum TemplateExpression: Sendable, Equatable {
    case number(Int)
    case parameter(String)
    case negate(TemplateExpression)
    case binary(Character, TemplateExpression, TemplateExpression)

    /// Parses `text`, or says what is wrong with it.
    static func parse(_ text: String) throws(ExpressionFailure) -> TemplateExpression {
        var parser = Parser(characters: Array(text))
        let expression = try parser.parseSum()
        parser.skipSpaces()
        if parser.position < parser.characters.count {
            throw .syntax("tanda tak terduga '\(parser.characters[parser.position])' pada \"\(text)\"")
        }
        return expression
    }

    /// The parameters the expression uses.
    var parameters: Set<String> {
        switch self {
        case .number: []
        case .parameter(let name): [name]
        case .negate(let inner): inner.parameters
        case .binary(_, let lhs, let rhs): lhs.parameters.union(rhs.parameters)
        }
    }

    func evaluate(_ values: [String: Int]) throws(ExpressionFailure) -> Fraction {
        switch self {
        case .number(let value):
            return Fraction(value)
        case .parameter(let name):
            guard let value = values[name] else { throw .unknownParameter(name) }
            return Fraction(value)
        case .negate(let inner):
            let value = try inner.evaluate(values)
            guard value.numerator != .min,
                let result = Fraction(numerator: -value.numerator, denominator: value.denominator)
            else { throw .overflow }
            return result
        case .binary(let op, let lhs, let rhs):
            return try Self.apply(op, try lhs.evaluate(values), try rhs.evaluate(values))
        }
    }

    private static func apply(_ op: Character, _ a: Fraction, _ b: Fraction) throws(ExpressionFailure) -> Fraction {
        func checked(_ r: (partialValue: Int, overflow: Bool)) throws(ExpressionFailure) -> Int {
            if r.overflow { throw .overflow }
            return r.partialValue
        }
        switch op {
        case "+", "-":
            let left = try checked(a.numerator.multipliedReportingOverflow(by: b.denominator))
            let right = try checked(b.numerator.multipliedReportingOverflow(by: a.denominator))
            let numerator = try checked(
                op == "+" ? left.addingReportingOverflow(right) : left.subtractingReportingOverflow(right)
            )
            let denominator = try checked(a.denominator.multipliedReportingOverflow(by: b.denominator))
            guard let result = Fraction(numerator: numerator, denominator: denominator) else { throw .overflow }
            return result
        case "*":
            let numerator = try checked(a.numerator.multipliedReportingOverflow(by: b.numerator))
            let denominator = try checked(a.denominator.multipliedReportingOverflow(by: b.denominator))
            guard let result = Fraction(numerator: numerator, denominator: denominator) else { throw .overflow }
            return result
        case "/":
            if b.numerator == 0 { throw .divisionByZero }
            let numerator = try checked(a.numerator.multipliedReportingOverflow(by: b.denominator))
            let denominator = try checked(a.denominator.multipliedReportingOverflow(by: b.numerator))
            guard let result = Fraction(numerator: numerator, denominator: denominator) else { throw .overflow }
            return result
        default:  // "^"
            guard let exponent = b.wholeNumber, exponent >= 0 else { throw .fractionalExponent }
            var result = Fraction(1)
            for _ in 0..<min(exponent, 64) { result = try apply("*", result, a) }
            if exponent > 64 { throw .overflow }
            return result
        }
    }

    // MARK: - Parsing (recursive descent: sum > product > power > unary > atom)

    private struct Parser {
        let characters: [Character]
        var position = 0

        mutating func skipSpaces() {
            while position < characters.count, characters[position] == " " { position += 1 }
        }

        mutating func peek() -> Character? {
            skipSpaces()
            return position < characters.count ? characters[position] : nil
        }

        mutating func parseSum() throws(ExpressionFailure) -> TemplateExpression {
            var result = try parseProduct()
            while let op = peek(), op == "+" || op == "-" {
                position += 1
                result = .binary(op, result, try parseProduct())
            }
            return result
        }

        mutating func parseProduct() throws(ExpressionFailure) -> TemplateExpression {
            var result = try parseUnary()
            while let op = peek(), op == "*" || op == "/" {
                position += 1
                result = .binary(op, result, try parseUnary())
            }
            return result
        }

        mutating func parseUnary() throws(ExpressionFailure) -> TemplateExpression {
            if peek() == "-" {
                position += 1
                return .negate(try parseUnary())
            }
            return try parsePower()
        }

        mutating func parsePower() throws(ExpressionFailure) -> TemplateExpression {
            let base = try parseAtom()
            if peek() == "^" {
                position += 1
                return .binary("^", base, try parseUnary())  // right-associative
            }
            return base
        }

        mutating func parseAtom() throws(ExpressionFailure) -> TemplateExpression {
            guard let next = peek() else { throw .syntax("ungkapan berakhir terlalu cepat") }
            if next == "(" {
                position += 1
                let inner = try parseSum()
                guard peek() == ")" else { throw .syntax("kurung tutup ')' tidak ada") }
                position += 1
                return inner
            }
            if next.isASCII, next.isNumber {
                var value = 0
                while position < characters.count, characters[position].isASCII, let digit = characters[position].wholeNumberValue {
                    let (times, o1) = value.multipliedReportingOverflow(by: 10)
                    let (plus, o2) = times.addingReportingOverflow(digit)
                    if o1 || o2 { throw .overflow }
                    value = plus
                    position += 1
                }
                return .number(value)
            }
            if next.isASCII, next.isLetter || next == "_" {
                var name = ""
                while position < characters.count, characters[position].isASCII,
                    characters[position].isLetter || characters[position].isNumber || characters[position] == "_"
                {
                    name.append(characters[position])
                    position += 1
                }
                return .parameter(name)
            }
            throw .syntax("tanda tak terduga '\(next)'")
        }
    }
}

extension ExpressionFailure: CustomStringConvertible {
    var description: String {
        switch self {
        case .syntax(let detail): "ungkapan tidak dapat dibaca: \(detail)"
        case .unknownParameter(let name): "parameter '\(name)' tidak diberi nilai"
        case .divisionByZero: "pembagian dengan nol"
        case .overflow: "angka terlalu besar"
        case .fractionalExponent: "pangkat harus bilangan bulat tidak negatif"
        }
    }
}

/// Indonesian digit grouping: 1250000 → "1.250.000", -4500 → "-4.500".
func formatIndonesian(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var grouped = ""
    for (offset, digit) in digits.enumerated() {
        if offset > 0, (digits.count - offset) % 3 == 0 { grouped.append(".") }
        grouped.append(digit)
    }
    return value < 0 ? "-" + grouped : grouped
}
