/// A participant number: a prefix for the selection period, a zero-padded serial and
/// a final check digit (the Damm algorithm), so that any single mistyped digit and
/// any swap of two neighbouring digits is caught before a lookup.
public enum ParticipantNumber {
    /// The Damm quasigroup of order 10 (weakly totally anti-symmetric).
    private static let table: [[Int]] = [
        [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
        [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
        [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
        [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
        [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
        [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
        [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
        [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
        [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
        [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
    ]

    /// The check digit of a string of digits.
    public static func checkDigit(_ digits: some StringProtocol) -> Int {
        digits.utf8.reduce(0) { table[$0][Int($1) - 48] }
    }

    /// The number for the `serial`-th participant of a period: prefix, serial padded
    /// to `width` digits, check digit.
    public static func make(prefix: String, serial: Int, width: Int = 6) -> String {
        let padded = String(serial)
        let body = prefix + String(repeating: "0", count: max(0, width - padded.count)) + padded
        return body + String(checkDigit(body))
    }

    /// Whether `text` is all digits and its last digit checks.
    public static func isValid(_ text: String) -> Bool {
        guard text.utf8.count >= 2, text.utf8.allSatisfy({ (48...57).contains($0) }) else { return false }
        return checkDigit(text) == 0
    }
}
