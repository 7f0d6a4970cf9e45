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

@Suite("Command line: the handoff commands are reachable")
struct HandoffCommandTests {
    @Test("handoff export, exam-node key and import, portal key and selection skd parse")
    func parse() throws {
        for arguments in [
            ["handoff", "export", "--node", "node-jkt"], ["exam-node", "key"], ["exam-node", "import", "paket.json"], ["portal", "key"],
            ["selection", "skd", "--formations", "f.csv", "--scores", "s.csv"],
        ] {
            #expect(throws: Never.self, "\(arguments)") { _ = try SeleksiCommand.parseAsRoot(arguments) }
        }
    }
}
