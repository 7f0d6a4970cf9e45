import Foundation

/// QTI's two response-processing templates as exporters write them out in full (TAO
/// does): recognised only when the rules are exactly the template's, so a processing that
/// merely uses the same elements (inverted, another outcome, other scores) is not taken
/// for one.
enum WrittenTemplate {
    /// `match_correct`: SCORE 1 when the response matches the correct one, else 0.
    static func isMatchCorrect(_ processing: XMLElement, response: String) -> Bool {
        guard let (then, otherwise) = condition(processing) else { return false }
        guard then.count == 2, then[0].name == "match", then[0].elements.count == 2,
            isVariable(then[0].elements[0], response), then[0].elements[1].name == "correct",
            then[0].elements[1].attributes["identifier"] == response,
            isScore(then[1], 1), otherwise.count == 1, isScore(otherwise[0], 0)
        else { return false }
        return true
    }

    /// `map_response`: SCORE 0 when there is no response, else the mapped value.
    static func isMapResponse(_ processing: XMLElement, response: String) -> Bool {
        guard let (then, otherwise) = condition(processing) else { return false }
        guard then.count == 2, then[0].name == "isNull", then[0].elements.count == 1, isVariable(then[0].elements[0], response),
            isScore(then[1], 0), otherwise.count == 1, otherwise[0].name == "setOutcomeValue", otherwise[0].attributes["identifier"] == "SCORE",
            otherwise[0].elements.count == 1, otherwise[0].elements[0].name == "mapResponse", otherwise[0].elements[0].attributes["identifier"] == response,
            otherwise[0].elements[0].elements.isEmpty
        else { return false }
        return true
    }

    /// The one `responseCondition` with its `responseIf` and `responseElse` (no `responseElseIf`).
    private static func condition(_ processing: XMLElement) -> (then: [XMLElement], otherwise: [XMLElement])? {
        guard processing.elements.count == 1, let condition = processing.elements.first, condition.name == "responseCondition",
            condition.elements.count == 2, condition.elements[0].name == "responseIf", condition.elements[1].name == "responseElse"
        else { return nil }
        return (condition.elements[0].elements, condition.elements[1].elements)
    }

    private static func isVariable(_ element: XMLElement, _ identifier: String) -> Bool {
        element.name == "variable" && element.attributes["identifier"] == identifier && element.elements.isEmpty
    }

    /// `setOutcomeValue identifier="SCORE"` to the base value `value`.
    private static func isScore(_ element: XMLElement, _ value: Double) -> Bool {
        guard element.name == "setOutcomeValue", element.attributes["identifier"] == "SCORE", element.elements.count == 1 else { return false }
        let base = element.elements[0]
        return base.name == "baseValue" && Double(base.text.trimmingCharacters(in: .whitespacesAndNewlines)) == value
    }
}
