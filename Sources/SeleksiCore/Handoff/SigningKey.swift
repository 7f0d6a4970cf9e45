public import Crypto
import Foundation

/// A service's Ed25519 key pair: each exam node signs its results with its own, the
/// portal signs rosters with its. The private key is made on first start in the data
/// folder, readable only by the service's user, and never leaves it.
public struct SigningKey: Sendable {
    /// The raw 32 bytes (swift-crypto's key type is not `Sendable`; it is rebuilt on use).
    let raw: Data

    public init(privateKey: Curve25519.Signing.PrivateKey) { raw = privateKey.rawRepresentation }

    public var privateKey: Curve25519.Signing.PrivateKey { try! Curve25519.Signing.PrivateKey(rawRepresentation: raw) }
    public var publicKey: PublicSigningKey { PublicSigningKey(privateKey.publicKey) }

    /// Loads the key at `path`, or makes it if there is none (`SecretKeyFile`: mode 600,
    /// never replaced).
    public static func loadOrCreate(path: String) throws(SecretKeyFileError) -> SigningKey {
        let raw = try SecretKeyFile.loadOrCreate(path: path)
        // Any 32 bytes are an Ed25519 seed.
        return SigningKey(privateKey: try! Curve25519.Signing.PrivateKey(rawRepresentation: raw))
    }
}

/// A public key as it is registered and configured: 64 hexadecimal digits, and its id
/// (the first 16 hex digits of its SHA-256), which an envelope names.
public struct PublicSigningKey: Sendable, Hashable, CustomStringConvertible {
    let raw: Data

    public init(_ key: Curve25519.Signing.PublicKey) { raw = key.rawRepresentation }

    /// From its text; nil if it is not an Ed25519 public key.
    public init?(text: String) {
        guard let bytes = Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32,
            (try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)) != nil
        else { return nil }
        raw = Data(bytes)
    }

    public var key: Curve25519.Signing.PublicKey { try! Curve25519.Signing.PublicKey(rawRepresentation: raw) }
    public var text: String { Hex.encode(raw) }
    public var id: String { String(Hex.encode(SHA256.hash(data: raw)).prefix(16)) }
    public var description: String { text }
}
