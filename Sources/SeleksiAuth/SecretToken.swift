import Crypto
public import Foundation
import SeleksiCore

/// A bearer secret (a portal session, a node's candidate or proctor token, a CSRF token):
/// 32 random bytes as URL-safe text. Stores keep only its digest; a presented token is
/// found by its digest, and two secrets are compared in constant time.
public struct SecretToken: Sendable, Hashable {
    public let text: String

    public init(text: String) { self.text = text }

    /// A new token from the system's secure random source.
    public static func generate() -> SecretToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return SecretToken(text: text)
    }

    /// What a store keeps: the SHA-256 of the token, in hex.
    public var digest: String { Self.digest(text) }

    public static func digest(_ text: String) -> String { Hex.encode(SHA256.hash(data: Data(text.utf8))) }

    /// Whether two secrets are equal, taking the same time wherever they first differ.
    public static func matches(_ presented: String, _ expected: String) -> Bool {
        let a = Array(presented.utf8)
        let b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// A password or TOTP secret the system makes for a staff member or a proctor: 16
/// characters without look-alikes (no 0/O, 1/l/I), shown once.
public enum GeneratedPassword {
    static let alphabet = Array("abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789")

    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
