import Crypto
public import Foundation
import SwiftASN1
import X509

/// The certificate a service uses when none is configured: created once for localhost
/// under the data folder (`tls/`), and reused on every later start.
public enum SelfSignedCertificate {
    /// Paths of the PEM certificate and key, and whether they were created just now.
    public static func ensure(
        in dataDirectory: String,
        organization: String = "Seleksi",
        now: Date = Date()
    ) throws -> (certificate: String, key: String, created: Bool) {
        let folder = dataDirectory + "/tls"
        let certificatePath = folder + "/localhost-cert.pem"
        let keyPath = folder + "/localhost-key.pem"
        let manager = FileManager.default
        if manager.fileExists(atPath: certificatePath), manager.fileExists(atPath: keyPath) {
            return (certificatePath, keyPath, false)
        }
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName(organization)
            CommonName("localhost")
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3_600),
            // 397 days from the hour before: under the 398 days browsers accept (and the
            // 825 scanners flag).
            notValidAfter: now.addingTimeInterval(60 * 60 * 24 * 397),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        try Data(try certificate.serializeAsPEM().pemString.utf8).write(to: URL(fileURLWithPath: certificatePath), options: .atomic)
        try Data(key.pemRepresentation.utf8).write(to: URL(fileURLWithPath: keyPath), options: .atomic)
        try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyPath)
        return (certificatePath, keyPath, true)
    }
}
