import Crypto
public import Foundation

/// What travels between the portal and a node: the payload's bytes exactly as they were
/// signed, the signer's key id, and the Ed25519 signature. The signature covers those
/// bytes (after a label naming the kind of package), never a re-encoding, so no
/// serializer on either side can change what was signed; and a roster's signature can
/// never pass as a results package's.
public struct SignedEnvelope: Sendable, Hashable, Codable {
    /// `roster`, `results`, `score`…: what the payload is.
    public let kind: String
    public let keyID: String
    /// The payload (JSON) as signed; base64 in the envelope's own JSON.
    public let payload: Data
    public let signature: Data

    public static func seal(kind: String, payload: Data, key: SigningKey) -> SignedEnvelope {
        let signature = (try? key.privateKey.signature(for: signedBytes(kind: kind, payload: payload))) ?? Data()
        return SignedEnvelope(kind: kind, keyID: key.publicKey.id, payload: payload, signature: signature)
    }

    /// The payload, if the envelope is of `kind` and signed by one of `trusted` (by key id).
    public func open(kind expected: String, trusted: [PublicSigningKey]) throws(EnvelopeError) -> Data {
        guard kind == expected else { throw .wrongKind(expected: expected, found: kind) }
        guard let key = trusted.first(where: { $0.id == keyID }) else { throw .unknownSigner(keyID) }
        guard key.key.isValidSignature(signature, for: Self.signedBytes(kind: kind, payload: payload)) else { throw .badSignature }
        return payload
    }

    /// The envelope as a file or a request body.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }

    public static func decode(_ data: Data, maximumBytes: Int) throws(EnvelopeError) -> SignedEnvelope {
        guard data.count <= maximumBytes else { throw .tooLarge(maximumBytes) }
        guard let envelope = try? JSONDecoder().decode(SignedEnvelope.self, from: data) else { throw .malformed }
        return envelope
    }

    static func signedBytes(kind: String, payload: Data) -> Data { Data("seleksi-handoff-v1/\(kind)\n".utf8) + payload }
}

public enum EnvelopeError: Error, Sendable, Hashable, CustomStringConvertible {
    case malformed
    case tooLarge(Int)
    case wrongKind(expected: String, found: String)
    case unknownSigner(String)
    case badSignature

    /// What an unverified envelope says about itself is shown only if it looks like an id
    /// or a kind: never a stranger's text in the node's own message.
    public static func shown(_ text: String) -> String {
        text.count <= 32 && text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) ? text : "(tidak dikenal)"
    }

    public var description: String {
        switch self {
        case .malformed: "paket tidak dapat dibaca (terpotong atau bukan amplop bertanda tangan)"
        case .tooLarge(let maximum): "paket lebih besar dari \(maximum / 1_048_576) MB"
        case .wrongKind(let expected, let found): "paket berisi \(Self.shown(found)), bukan \(expected)"
        case .unknownSigner(let id): "paket ditandatangani kunci \(Self.shown(id)) yang tidak terdaftar"
        case .badSignature: "tanda tangan paket tidak cocok dengan isinya (paket diubah setelah ditandatangani)"
        }
    }
}
