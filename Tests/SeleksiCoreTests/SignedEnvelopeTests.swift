import Foundation
import Testing

@testable import SeleksiCore

@Suite("Signed handoff envelopes and signing keys")
struct SignedEnvelopeTests {
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "seleksi-keys-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a sealed payload opens with the signer's key and no other; one changed byte, another kind, a cut or oversized file are refused")
    func envelopes() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let portal = try SigningKey.loadOrCreate(path: folder + "/portal.key")
        let node = try SigningKey.loadOrCreate(path: folder + "/node.key")
        let payload = Data(#"{"version":3,"sessions":[{"id":"kpg-1"}]}"#.utf8)
        let envelope = SignedEnvelope.seal(kind: "roster", payload: payload, key: portal)
        // Exactly the bytes sent: decoding the envelope and opening it gives them back unchanged.
        let received = try SignedEnvelope.decode(envelope.encoded(), maximumBytes: 1 << 20)
        #expect(try received.open(kind: "roster", trusted: [node.publicKey, portal.publicKey]) == payload)
        #expect(throws: EnvelopeError.unknownSigner(portal.publicKey.id)) { try received.open(kind: "roster", trusted: [node.publicKey]) }
        #expect(throws: EnvelopeError.wrongKind(expected: "results", found: "roster")) { try received.open(kind: "results", trusted: [portal.publicKey]) }
        // The same signature under another kind does not verify either.
        let relabelled = SignedEnvelope(kind: "results", keyID: envelope.keyID, payload: envelope.payload, signature: envelope.signature)
        #expect(throws: EnvelopeError.badSignature) { try relabelled.open(kind: "results", trusted: [portal.publicKey]) }
        var changed = [UInt8](payload)
        changed[12] = UInt8(ascii: "4")
        let tampered = SignedEnvelope(kind: "roster", keyID: envelope.keyID, payload: Data(changed), signature: envelope.signature)
        #expect(throws: EnvelopeError.badSignature) { try tampered.open(kind: "roster", trusted: [portal.publicKey]) }
        let bytes = envelope.encoded()
        #expect(throws: EnvelopeError.malformed) { try SignedEnvelope.decode(bytes.prefix(bytes.count / 2), maximumBytes: 1 << 20) }
        #expect(throws: EnvelopeError.tooLarge(100)) { try SignedEnvelope.decode(bytes, maximumBytes: 100) }
    }

    @Test("a key is made once with mode 600 and read back the same; a key others may read, or a file that is no key, is refused and kept")
    func keyFiles() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/data/node-signing.key"
        let first = try SigningKey.loadOrCreate(path: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try SigningKey.loadOrCreate(path: path).publicKey == first.publicKey)
        #expect(PublicSigningKey(text: first.publicKey.text) == first.publicKey && first.publicKey.id.count == 16)
        #expect(PublicSigningKey(text: "abc") == nil)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: SecretKeyFileError.self) { try SigningKey.loadOrCreate(path: path) }
        try Data("bukan kunci".utf8).write(to: URL(fileURLWithPath: folder + "/other.key"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: folder + "/other.key")
        #expect(throws: SecretKeyFileError.self) { try SigningKey.loadOrCreate(path: folder + "/other.key") }
        #expect(FileManager.default.contents(atPath: folder + "/other.key") == Data("bukan kunci".utf8))
    }
}
