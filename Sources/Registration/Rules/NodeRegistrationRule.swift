import Foundation
import SeleksiCore

/// What a node registration must have before rosters are built for it.
public enum NodeRegistrationRule {
    public static func refusal(_ node: RegisteredNode) -> RegistrationError? {
        var problems: [String] = []
        if node.id.range(of: "^[a-z0-9][a-z0-9-]{1,39}$", options: .regularExpression) == nil {
            problems.append("kode node: 2-40 huruf kecil, angka atau tanda hubung")
        }
        if node.venues.isEmpty || node.venues.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.count > 200 }) {
            problems.append("minimal satu tempat ujian, tanpa nama kosong")
        }
        if let url = URL(string: node.url), url.scheme == "https", let host = url.host, !host.isEmpty, url.query == nil, url.user == nil {
        } else {
            problems.append("alamat node harus https://nama-host[:port]")
        }
        if PublicSigningKey(text: node.publicKey) == nil {
            problems.append("kunci publik harus kunci Ed25519, 64 angka heksadesimal (seleksi exam-node key)")
        }
        guard !problems.isEmpty else { return nil }
        return .invalid("invalid-node", "Node tidak dapat didaftarkan: " + problems.joined(separator: "; ") + ".")
    }

    public static func venueTaken(_ venue: String, by node: String) -> RegistrationError {
        RegistrationError("venue-taken", kind: .conflict, "Tempat ujian \(venue) sudah dijalankan node \(node): satu tempat, satu node.")
    }

    public static let keyInUse = RegistrationError(
        "node-key-in-use",
        kind: .conflict,
        "Kunci publik ini sudah terdaftar untuk node lain: setiap node punya kuncinya sendiri."
    )
}
