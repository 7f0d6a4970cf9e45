import Foundation
import SeleksiCore

/// The civil registry (Dukcapil) check of a sign-up: does this NIK belong to this family
/// card (KK), this name and this birth date? Without it anyone who knows a NIK could take
/// it, and its owner would be refused as a duplicate.
///
/// An adapter for the national service speaks HTTPS to it with the agency's credentials:
/// `POST {"nik", "kk", "name", "birthDate"}` answered `{"match": true|false}`; a timeout or
/// an error status throws, and the sign-up answers 503 (`civil-registry-unavailable`)
/// rather than accepting an unchecked NIK.
public protocol CivilRegistry: Sendable {
    func matches(nik: String, kk: String, name: String, birthDate: String) async throws -> Bool
}

/// A registry read from a CSV file (`nik,kk,name,birth_date`), for the demo and the tests.
/// Names compare as Dukcapil prints them: case, spacing and punctuation aside.
public struct FileCivilRegistry: CivilRegistry {
    struct Person: Hashable {
        let kk: String
        let name: String
        let birthDate: String
    }

    let people: [String: Person]

    public init(file: String) throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw RegistrationError("civil-registry-file", kind: .internal, "Berkas data kependudukan \(file) tidak dapat dibaca.")
        }
        var people: [String: Person] = [:]
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() where index > 0 {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 4 else {
                throw RegistrationError("civil-registry-file", kind: .internal, "\(file) baris \(index + 1): harus 4 kolom nik,kk,name,birth_date.")
            }
            people[fields[0]] = Person(kk: fields[1], name: Self.normalized(fields[2]), birthDate: fields[3])
        }
        self.people = people
    }

    public func matches(nik: String, kk: String, name: String, birthDate: String) async throws -> Bool {
        people[nik] == Person(kk: kk, name: Self.normalized(name), birthDate: birthDate)
    }

    static func normalized(_ name: String) -> String {
        name.lowercased().filter(\.isLetter)
    }
}
