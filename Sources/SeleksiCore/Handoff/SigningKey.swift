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

    /// Loads the key at `path`, or makes it if there is none. A key file that others may
    /// read, or that is not a key, is refused (never replaced: a new key would silently
    /// end the trust the other side has in this one).
    public static func loadOrCreate(path: String) throws(SigningKeyError) -> SigningKey {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            guard let attributes = try? manager.attributesOfItem(atPath: path), let mode = attributes[.posixPermissions] as? Int else {
                throw SigningKeyError(message: "kunci tanda tangan \(path) tidak dapat dibaca")
            }
            guard mode & 0o077 == 0 else {
                throw SigningKeyError(message: "kunci tanda tangan \(path) dapat dibaca pengguna lain (mode \(String(mode, radix: 8))); jalankan chmod 600")
            }
            guard let data = manager.contents(atPath: path), data.count == 32,
                let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: data)
            else { throw SigningKeyError(message: "berkas \(path) bukan kunci tanda tangan Ed25519 (32 byte)") }
            return SigningKey(privateKey: key)
        }
        let key = Curve25519.Signing.PrivateKey()
        do {
            try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw SigningKeyError(message: "folder untuk kunci tanda tangan \(path) tidak dapat dibuat")
        }
        // O_EXCL: two processes starting together never both write a key.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { return try loadOrCreate(path: path) }
            throw SigningKeyError(message: "kunci tanda tangan \(path) tidak dapat dibuat (errno \(errno))")
        }
        defer { close(descriptor) }
        let bytes = [UInt8](key.rawRepresentation)
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            unlink(path)
            throw SigningKeyError(message: "kunci tanda tangan \(path) tidak dapat ditulis")
        }
        return SigningKey(privateKey: key)
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

public struct SigningKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
