import Crypto
import Foundation

/// The access code (kode akses) printed on the exam card: with the participant number and
/// the session's PIN it signs the candidate in at the node, which holds only its digest.
/// Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L), printed in two
/// groups of four; derived from the participant number with the portal's secret key, so
/// the portal stores no code and the card shows the same one every time.
public enum AccessCode {
    public static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    public static let length = 8

    /// `7KQ4-MZ2H`.
    public static func derive(participantNumber: String, periodID: String, key: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(periodID)/\(participantNumber)".utf8), using: SymmetricKey(data: key))
        // 31^8 < 2^40: the digits of a 64-bit number in base 31 are as good as uniform.
        var value = Array(mac).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        var characters: [Character] = []
        for _ in 0..<length {
            characters.append(alphabet[Int(value % UInt64(alphabet.count))])
            value /= UInt64(alphabet.count)
        }
        return String(characters.prefix(4)) + "-" + String(characters.suffix(4))
    }

    /// What a candidate typed, as it is compared: upper case, without spaces or hyphens.
    public static func normalized(_ typed: String) -> String {
        String(typed.uppercased().filter { !$0.isWhitespace && $0 != "-" })
    }

    /// Whether a normalized text has the code's length and alphabet.
    public static func isWellFormed(_ normalized: String) -> Bool {
        normalized.count == length && normalized.allSatisfy { alphabet.contains($0) }
    }

    /// What a roster carries and a node keeps: the SHA-256 (hex) of the normalized code.
    public static func digest(_ code: String) -> String { Hex.encode(SHA256.hash(data: Data(normalized(code).utf8))) }
}
