import Foundation
import GRDB
import SeleksiCore
import Testing

@testable import Registration

@Suite("Formation tables as agencies publish them, and the timetable's migration")
struct FormationTableTests {
    static let agencies = [Agency(id: "bkn", name: "Badan Kepegawaian Negara"), Agency(id: "kemenkes", name: "Kementerian Kesehatan")]

    static func read(_ text: String) -> Result<[FormationTable.Row], FormationTable.Problems> {
        FormationTable.read(text, agencies: agencies, periodID: "p1")
    }

    @Test("headers in any order and case, a semicolon file from a spreadsheet, a byte-order mark, names or codes for the agency")
    func shapes() throws {
        let comma =
            "Jenis Formasi,Instansi,Jabatan,Unit Kerja,Lokasi,Pendidikan,Program Studi,Kuota,Batas Usia\numum,Kementerian  kesehatan,Perawat,RSUP,Kupang,D3,Keperawatan,3,\n"
        let semicolon =
            "\u{FEFF}instansi;jabatan;unit_kerja;lokasi;pendidikan;program_studi;kuota;jenis_formasi;batas_usia\r\nkemenkes;Perawat;RSUP;Kupang;D-3;\"Keperawatan;Kebidanan\";3;Umum;35\r\n"
        let a = try Self.read(comma).get()
        let b = try Self.read(semicolon).get()
        #expect(a.count == 1 && b.count == 1)
        #expect(a[0].formation.agencyID == "kemenkes" && a[0].formation.maxAge == FormationTable.defaultMaxAge && a[0].formation.educationLevel == .d3)
        #expect(b[0].formation.majors == ["Keperawatan", "Kebidanan"])
        // The same formation gets the same code, whatever the file's shape.
        #expect(a[0].formation.id == b[0].formation.id && a[0].formation.id.hasPrefix("kemenkes-"))
    }

    @Test("lines are the editor's: blank lines and line breaks inside quotes are counted")
    func lines() {
        let text = """
            instansi,jabatan,unit_kerja,lokasi,pendidikan,program_studi,kuota,jenis_formasi,batas_usia
            bkn,"Analis
            SDM",Pusat,Jakarta,S1,Psikologi,1,umum,35

            bkn,Analis,Pusat,Jakarta,S7,Psikologi,1,umum,35
            """
        guard case .failure(let problems) = Self.read(text) else {
            Issue.record("a bad education was accepted")
            return
        }
        // Line 2's position holds a line break (refused: it is printed on one line).
        #expect(problems.lines.count == 2, "\(problems.lines)")
        #expect(problems.lines.first?.hasPrefix("baris 2: jabatan harus satu baris") == true)
        #expect(problems.lines.last?.hasPrefix("baris 5: pendidikan 'S7'") == true)
        #expect(CSVTable.recordStartLines("a\n\"b\nc\"\n\nd\n") == [1, 2, 4, 5])
    }

    @Test("a header with a column missing, unknown or twice is refused on line 1; the same formation twice names both lines")
    func refusals() {
        guard case .failure(let header) = Self.read("instansi,jabatan,unit,lokasi,lokasi\nbkn,A,B,C,D\n") else {
            Issue.record("a bad header was accepted")
            return
        }
        #expect(header.lines.contains { $0.contains("'unit' tidak dikenal") })
        #expect(header.lines.contains { $0.contains("'lokasi' ada lebih dari sekali") })
        #expect(header.lines.contains { $0.contains("'kuota' tidak ada") })
        let twice = """
            instansi,jabatan,unit_kerja,lokasi,pendidikan,program_studi,kuota,jenis_formasi,batas_usia
            bkn,Analis,Pusat,Jakarta,S1,Psikologi,1,umum,35
            bkn,analis,pusat,jakarta,S1,Psikologi,2,umum,35
            """
        guard case .failure(let duplicate) = Self.read(twice) else {
            Issue.record("the same formation twice was accepted")
            return
        }
        #expect(duplicate.lines.count == 1 && duplicate.lines[0].hasPrefix("baris 3:") && duplicate.lines[0].contains("sudah ada di baris 2"))
        guard case .failure(let empty) = Self.read("instansi,jabatan,unit_kerja,lokasi,pendidikan,program_studi,kuota,jenis_formasi,batas_usia\n") else {
            Issue.record("an empty table was accepted")
            return
        }
        #expect(empty.lines == ["tabel tidak berisi formasi"])
    }

    @Test("a store made before the timetable had its own columns keeps its period, announcement included")
    func migration() async throws {
        let folder = NSTemporaryDirectory() + "seleksi-migration-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/portal.sqlite"
        let period = {
            var period = StoreContractTests.period()
            period.resultsAnnouncedAt = StoreContractTests.now
            return period
        }()
        let json = String(decoding: try JSONEncoder().encode(period), as: UTF8.self)
        let old = try DatabaseQueue(path: path)
        try SQLiteRegistrationStore.migrator.migrate(old, upTo: "v2-slot-time-zone")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO period (id, name, json, next_serial) VALUES (?, ?, ?, 7)", arguments: [period.id, period.name, json])
            try db.execute(sql: "INSERT INTO agency (id, name) VALUES ('bkn', 'BKN')")
            try db.execute(
                sql: """
                    INSERT INTO exam_slot (id, period_id, venue, location, starts_at, session_number, capacity) VALUES ('s', ?, 'V', 'Kupang', 0, 1, 5)
                    """,
                arguments: [period.id]
            )
        }
        try old.close()
        let store = try SQLiteRegistrationStore.open(path: path, clock: ManualClock(StoreContractTests.now))
        #expect(try await store.currentPeriod() == period)
        #expect(try await store.slots(periodID: period.id).map(\.id) == ["s"])
    }
}
