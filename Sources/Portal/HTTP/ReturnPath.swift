import Foundation
import Registration

/// Where sign-in returns to (`/masuk?lanjut=…`): only a path of this site, never another
/// site (`//evil.example`, `https://…`, `/\evil`), and never the sign-in pages themselves.
enum ReturnPath {
    static func encoded(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? "/lamaran"
    }

    /// The path to return to, if it is safe; `nil` otherwise.
    static func safe(_ path: String?) -> String? {
        guard let path, path.count <= 512, path.hasPrefix("/"), !path.hasPrefix("//"), !path.hasPrefix("/\\") else { return nil }
        guard path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" }) else { return nil }
        for page in ["/masuk", "/keluar", "/daftar", "/staf/masuk"] where path == page || path.hasPrefix(page + "?") || path.hasPrefix(page + "/") {
            return nil
        }
        return path
    }

    /// The formation code a `/lamaran?formasi=…` link chose, if it has a code's shape.
    static func formationCode(in path: String) -> String? {
        guard path.hasPrefix("/lamaran"), let code = URLComponents(string: path)?.queryItems?.first(where: { $0.name == "formasi" })?.value,
            code.range(of: FormationRule.codePattern, options: .regularExpression) != nil
        else { return nil }
        return code
    }

    /// Why sign-in is asked for, said on the sign-in page. A formation is named as the
    /// portal has it (`formation`, looked up from the link's code), never by the link's
    /// own text, which anyone can write.
    static func reason(_ path: String, formation: Formation?) -> String {
        if let formation {
            return
                "Untuk melamar formasi \(formation.position) (\(formation.id)), masuk dulu dengan akun Anda (atau buat akun bila belum punya). Setelah masuk, formasi itu sudah terisi di formulir lamaran."
        }
        return "Halaman itu hanya untuk pelamar yang sudah masuk. Masuk dulu; setelah itu Anda dibawa kembali ke sana."
    }
}
