import ArgumentParser
import Foundation
import Testing

@testable import SeleksiCommands

@Suite("Command line: selection skd")
struct SelectionCommandTests {
    static func files(_ formations: String, _ scores: String) throws -> (String, String, () -> Void) {
        let folder = NSTemporaryDirectory() + "seleksi-skd-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try formations.write(toFile: folder + "/formasi.csv", atomically: true, encoding: .utf8)
        try scores.write(toFile: folder + "/nilai.csv", atomically: true, encoding: .utf8)
        return (folder + "/formasi.csv", folder + "/nilai.csv", { try? FileManager.default.removeItem(atPath: folder) })
    }

    static func run(_ formations: String, _ scores: String, json: Bool) -> CommandResult {
        SelectionPrinter.skd(
            formationsFile: formations,
            scoresFile: scores,
            rulesFile: repositoryRoot + "/Config/rules/skd-2024.yaml",
            codesFile: repositoryRoot + "/Config/result-codes.yaml",
            json: json
        )
    }

    @Test("ranks files into codes, as text and as JSON (rank null for the unranked)")
    func ranks() throws {
        let (formations, scores, cleanup) = try Self.files(
            "formation_id,type,quota\nKEU-1,general,1\nKPG-1,disability,0\n",
            """
            participant_number,formation_id,twk,tiu,tkp,status,reason
            2601,KEU-1,100,100,200,present,
            2602,KEU-1,95,100,205,present,
            2603,KEU-1,90,110,190,present,
            2604,KEU-1,95,105,185,present,
            2605,KEU-1,60,120,200,present,
            2606,KEU-1,,,,absent,
            2607,KPG-1,40,60,190,present,
            2608,KPG-1,,,,disqualified,membawa ponsel
            """
        )
        defer { cleanup() }
        let text = Self.run(formations, scores, json: false)
        #expect(text.status == 0, "\(text.text)")
        #expect(text.text.contains("    1  2602  400  P/L"))
        #expect(text.text.contains("    4  2604  385  P  "))
        #expect(text.text.contains("    -  2605  380  TL"))
        #expect(text.text.contains("    -  2608    -  DIS") && text.text.contains("(membawa ponsel)"))
        let json = Self.run(formations, scores, json: true)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [[String: Any]])
        let byNumber = Dictionary(uniqueKeysWithValues: rows.map { ($0["participant_number"] as! String, $0) })
        #expect(byNumber["2601"]?["rank"] as? Int == 2 && byNumber["2601"]?["code"] as? String == "P/L" && byNumber["2601"]?["total"] as? Int == 400)
        #expect(byNumber["2606"]?["rank"] is NSNull && byNumber["2606"]?["code"] as? String == "TH")
        // Quota 0: passed (290 ≥ 286, TIU 60), but no place.
        #expect(byNumber["2607"]?["code"] as? String == "P" && byNumber["2607"]?["rank"] as? Int == 1)
    }

    @Test("a bad row exits 2 naming the file, the line and the column")
    func badRows() throws {
        let (formations, scores, cleanup) = try Self.files(
            "formation_id,type,quota\nKEU-1,general,1\n",
            "participant_number,formation_id,twk,tiu,tkp,status\n2601,KEU-1,100,1000,200,present\n"
        )
        defer { cleanup() }
        let result = Self.run(formations, scores, json: false)
        #expect(result.status == 2)
        #expect(result.text.contains("nilai.csv: baris 2, kolom tiu: '1000' harus bilangan bulat 0-175"), "\(result.text)")
    }
}

@Suite("Command line: selection final")
struct FinalCommandTests {
    static func run(_ tables: [String: String], json: Bool) throws -> CommandResult {
        let folder = NSTemporaryDirectory() + "seleksi-final-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, text) in tables { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        return SelectionPrinter.final(
            formationsFile: folder + "/formasi.csv",
            skdFile: folder + "/skd.csv",
            skbFile: folder + "/skb.csv",
            rulesFile: repositoryRoot + "/Config/rules/skd-2024.yaml",
            codesFile: repositoryRoot + "/Config/result-codes.yaml",
            json: json
        )
    }

    /// BKN's 2019 example on files: 3 general posts, a disability post nobody applied
    /// for, 2 cum laude posts with one applicant.
    static let example: [String: String] = [
        "formasi.csv": """
        formation_id,position,education,unit,type,quota
        PK-UMUM,Pranata Komputer,S1 Teknik Informatika,Kementerian Keuangan,general,3
        PK-DIS,Pranata Komputer,S1 Teknik Informatika,Kementerian Keuangan,disability,1
        PK-CL,Pranata Komputer,S1 Teknik Informatika,Kementerian Keuangan,cumlaude,2

        """,
        "skd.csv": """
        participant_number,formation_id,twk,tiu,tkp,status,reason,gpa,birth_date
        2601,PK-UMUM,100,100,200,present,,3.40,1998-01-01
        2602,PK-UMUM,100,100,200,present,,3.40,1998-01-01
        2603,PK-UMUM,100,100,200,present,,3.40,1998-01-01
        2604,PK-UMUM,100,100,200,present,,3.40,1998-01-01
        2605,PK-UMUM,100,100,200,present,,3.40,1998-01-01
        2606,PK-UMUM,100,100,200,present,,3.40,1998-01-01
        2607,PK-UMUM,,,,absent,,3.10,1997-03-04
        2611,PK-CL,100,120,200,present,,3.85,1999-07-08

        """,
        "skb.csv": """
        participant_number,skb_percent,status
        2601,90,present
        2602,85.5,present
        2603,80,present
        2604,75.25,present
        2605,70,present
        2606,65,present
        2611,72,present

        """,
    ]

    @Test("BKN's 2019 example from files: ranks 4 and 5 fill the gaps as L-1, rank 6 stays TL; JSON names the formation appointed to")
    func example() throws {
        let text = try Self.run(Self.example, json: false)
        #expect(text.status == 0, "\(text.text)")
        // 400/550 × 40 + 90 × 0.6 = 29.091 + 54 = 83.091.
        #expect(text.text.contains("    1  2601   83.091  L  "), "\(text.text)")
        #expect(text.text.contains("    4  2604   74.241  L-1 → PK-CL"), "\(text.text)")
        #expect(text.text.contains("    5  2605   71.091  L-1 → PK-DIS"), "\(text.text)")
        #expect(text.text.contains("    6  2606   68.091  TL"), "\(text.text)")
        let json = try Self.run(Self.example, json: true)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [[String: Any]])
        let byNumber = Dictionary(uniqueKeysWithValues: rows.map { ($0["participant_number"] as! String, $0) })
        #expect(byNumber["2604"]?["formation_id"] as? String == "PK-CL" && byNumber["2604"]?["code"] as? String == "L-1")
        #expect(byNumber["2605"]?["formation_id"] as? String == "PK-DIS" && byNumber["2605"]?["rank"] as? Int == 5)
        #expect(byNumber["2606"]?["formation_id"] as? String == "PK-UMUM" && byNumber["2606"]?["code"] as? String == "TL")
        #expect(byNumber["2611"]?["code"] as? String == "L" && byNumber["2611"]?["final_score"] as? Double == 73.745)
        #expect(byNumber["2607"]?["code"] as? String == "TH" && byNumber["2607"]?["final_score"] is NSNull && byNumber["2607"]?["rank"] is NSNull)
    }

    @Test("bad rows exit 2 naming the file, the line and the column; an SKB row for nobody is named")
    func badRows() throws {
        var tables = Self.example
        tables["skb.csv"] = "participant_number,skb_percent,status\n2601,100.5,present\n2602,80,hadir\n9999,70,present\n"
        var result = try Self.run(tables, json: false)
        #expect(result.status == 2)
        #expect(result.text.contains("skb.csv: baris 2, kolom skb_percent: '100.5' harus angka 0-100"), "\(result.text)")
        #expect(result.text.contains("skb.csv: baris 3, kolom status: 'hadir'"), "\(result.text)")
        tables = Self.example
        tables["skb.csv"] = "participant_number,skb_percent,status\n9999,70,present\n"
        result = try Self.run(tables, json: false)
        #expect(result.status == 2 && result.text.contains("skb.csv: baris 2, kolom participant_number: 9999 tidak ada di tabel SKD"), "\(result.text)")
        tables = Self.example
        tables["skd.csv"] = "participant_number,formation_id,twk,tiu,tkp,status,gpa,birth_date\n2601,PK-UMUM,100,100,200,present,3.4,1998-02-30\n"
        result = try Self.run(tables, json: false)
        #expect(result.status == 2 && result.text.contains("skd.csv: baris 2, kolom birth_date: '1998-02-30'"), "\(result.text)")
        tables = Self.example
        tables["formasi.csv"] = "formation_id,position,education,unit,type,quota\nPK-UMUM,,S1,Unit,general,-1\n"
        result = try Self.run(tables, json: false)
        #expect(result.status == 2 && result.text.contains("formasi.csv: baris 2, kolom position: kosong; kolom quota: '-1'"), "\(result.text)")
        // A P/L with no SKB row.
        tables = Self.example
        tables["skb.csv"] = "participant_number,skb_percent,status\n2601,70,present\n"
        result = try Self.run(tables, json: false)
        #expect(result.status == 2 && result.text.contains("peserta 2611 lolos SKD ke SKB tetapi tidak punya baris SKB"), "\(result.text)")
    }
}

@Suite("Command line: the handoff commands are reachable")
struct HandoffCommandTests {
    @Test("handoff export, exam-node key and import, portal key and selection skd and final parse")
    func parse() throws {
        for arguments in [
            ["handoff", "export", "--node", "node-jkt"], ["exam-node", "key"], ["exam-node", "import", "paket.json"], ["portal", "key"],
            ["selection", "skd", "--formations", "f.csv", "--scores", "s.csv"],
            ["selection", "final", "--formations", "f.csv", "--skd", "s.csv", "--skb", "k.csv", "--json"],
        ] {
            #expect(throws: Never.self, "\(arguments)") { _ = try SeleksiCommand.parseAsRoot(arguments) }
        }
    }
}
