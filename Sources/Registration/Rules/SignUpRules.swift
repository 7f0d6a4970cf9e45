import Foundation
public import SeleksiCore

/// The checks on a sign-up form, pure: every field is checked and every problem named.
public enum SignUpRules {
    /// A checked sign-up: the parsed NIK and normalised values.
    public struct Checked: Sendable {
        public let nik: NIK
        public let sex: Sex
        public let email: String
        public let phone: String
    }

    public static func check(_ form: SignUp, passwords: PasswordPolicy) -> Result<Checked, RegistrationError> {
        identity(form).flatMap { checked in
            if let problem = passwords.problem(form.password, mustNotContain: [checked.nik.digits, checked.email]) { return .failure(problem) }
            return .success(checked)
        }
    }

    /// Everything but the password: who the person is and how to reach them (a NIK claim
    /// states the same).
    public static func identity(_ form: SignUp) -> Result<Checked, RegistrationError> {
        let nik: NIK
        do {
            nik = try NIK(form.nik)
        } catch {
            switch error {
            case .notSixteenDigits: return .failure(.invalid("invalid-nik", "NIK harus 16 angka."))
            case .unknownProvince(let code): return .failure(.invalid("invalid-nik", "NIK tidak sah: kode provinsi \(code) tidak dikenal."))
            case .impossibleBirthDate: return .failure(.invalid("invalid-nik", "NIK tidak sah: angka ke-7 s.d. 12 bukan tanggal lahir."))
            case .zeroSerial: return .failure(.invalid("invalid-nik", "NIK tidak sah: nomor urut 0000."))
            }
        }
        let kk = form.kk.filter { !$0.isWhitespace }
        guard kk.count == 16, kk.allSatisfy(\.isASCII), kk.allSatisfy(\.isNumber) else {
            return .failure(.invalid("invalid-kk", "Nomor KK harus 16 angka."))
        }
        let name = form.name.trimmingCharacters(in: .whitespaces)
        guard (2...100).contains(name.count) else { return .failure(.invalid("invalid-name", "Nama harus diisi sesuai KTP (2-100 huruf).")) }
        if let problem = KTPText.problem(name, field: "Nama") { return .failure(.invalid("invalid-name", problem)) }
        let birthPlace = form.birthPlace.trimmingCharacters(in: .whitespaces)
        guard (2...60).contains(birthPlace.count) else {
            return .failure(.invalid("invalid-birth-place", "Tempat lahir harus diisi sesuai KTP."))
        }
        if let problem = KTPText.problem(birthPlace, field: "Tempat lahir") { return .failure(.invalid("invalid-birth-place", problem)) }
        guard let (year, month, day) = IndonesianDate.parseYMD(form.birthDate) else {
            return .failure(.invalid("invalid-birth-date", "Tanggal lahir harus berformat TTTT-BB-HH dan tanggal yang ada."))
        }
        guard let sex = Sex(rawValue: form.sex) else { return .failure(.invalid("invalid-sex", "Jenis kelamin harus L atau P.")) }
        guard nik.agrees(year: year, month: month, day: day, sex: sex) else {
            return .failure(
                .invalid(
                    "nik-mismatch",
                    "Tanggal lahir atau jenis kelamin tidak sesuai dengan NIK (angka ke-7 s.d. 12: tanggal lahir, ditambah 40 untuk perempuan)."
                )
            )
        }
        let email = form.email.trimmingCharacters(in: .whitespaces).lowercased()
        guard email.range(of: #"^[^@\s]+@[^@\s]+\.[a-z]{2,}$"#, options: .regularExpression) != nil, email.count <= 254 else {
            return .failure(.invalid("invalid-email", "Alamat email tidak sah."))
        }
        let phone = form.phone.filter { !$0.isWhitespace && $0 != "-" }
        guard phone.range(of: #"^(\+62|0)8[0-9]{7,12}$"#, options: .regularExpression) != nil else {
            return .failure(.invalid("invalid-phone", "Nomor ponsel harus diawali 08 atau +628, 10-15 angka."))
        }
        return .success(Checked(nik: nik, sex: sex, email: email, phone: phone))
    }
}

/// A password must be long enough and not one of the commonest passwords, nor one
/// of them followed only by digits or punctuation ("password12", "bismillah2026!").
public struct PasswordPolicy: Sendable {
    public var minimumLength: Int
    /// The common passwords, lower case (`Config/common-passwords.txt`).
    public var common: Set<String>

    public init(minimumLength: Int = 10, common: Set<String>) {
        self.minimumLength = minimumLength
        self.common = common
    }

    /// The list's lines, lower case; `#` starts a comment line.
    public static func commonList(_ text: String) -> Set<String> {
        var list = Set<String>()
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let word = line.trimmingCharacters(in: .whitespaces).lowercased()
            if !word.isEmpty { list.insert(word) }
        }
        return list
    }

    /// Whether the password is a common one, or a common one with digits or
    /// punctuation added at the end.
    func isCommon(_ lowered: String) -> Bool {
        if common.contains(lowered) { return true }
        let base = String(lowered.reversed().drop { $0.isNumber || $0.isPunctuation || $0.isSymbol }.reversed())
        return base.count >= 3 && common.contains(base)
    }

    public func problem(_ password: String, mustNotContain personal: [String] = []) -> RegistrationError? {
        if password.count < minimumLength {
            return .invalid("weak-password", "Kata sandi minimal \(minimumLength) karakter.")
        }
        // bcrypt reads 72 bytes; more would be silently ignored.
        if password.utf8.count > 72 {
            return .invalid("weak-password", "Kata sandi paling panjang 72 byte (huruf biasa dihitung satu, huruf beraksen atau emoji lebih).")
        }
        let lowered = password.lowercased()
        if isCommon(lowered) || Set(lowered).count <= 2 {
            return .invalid(
                "weak-password",
                "Kata sandi ini terlalu umum: ada dalam daftar kata sandi yang paling sering dipakai (atau hanya menambahkan angka atau tanda di belakangnya), jadi mudah ditebak. Pilih yang lain, misalnya tiga atau empat kata yang tidak berhubungan."
            )
        }
        if personal.contains(where: { !$0.isEmpty && lowered.contains($0.lowercased()) }) {
            return .invalid("weak-password", "Kata sandi tidak boleh memuat NIK atau alamat email Anda.")
        }
        return nil
    }
}
