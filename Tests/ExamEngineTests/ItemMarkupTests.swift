import ExamEngine
import Foundation
import Testing

/// Rich items (`markup: true`): the small, safe markup a stem, an option and an
/// explanation may carry, and the images from the bank folder.
@Suite("Item markup and images")
struct ItemMarkupTests {
    static let square = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" width="120" height="120" role="img">
          <title>Persegi</title>
          <rect x="10" y="10" width="100" height="100" fill="none" stroke="#000" stroke-width="4"/>
        </svg>
        """

    /// A small bank whose item a-1 is written with `markup: true` and `stem` / option A as given.
    private func bank(
        stem: String,
        option: String = "Opsi 0",
        files: [String: String] = [:],
        folder: TemporaryFolder = TemporaryFolder()
    ) -> (
        TemporaryFolder, [String: String]
    ) {
        var all = validSmallFiles()
        let item = rightWrongItem("a-1")
            .replacingOccurrences(
                of: "    stem: Soal a-1",
                with: "    markup: true\n    stem: |\n      " + stem.replacingOccurrences(of: "\n", with: "\n      ")
            )
            .replacingOccurrences(of: "      - text: Opsi 0 a-1", with: "      - text: '\(option.replacingOccurrences(of: "'", with: "''"))'")
        all["a.yaml"] = "items:\n" + [item, rightWrongItem("a-2", correct: 3), rightWrongItem("a-3", topic: "y", correct: 4)].joined(separator: "\n")
        for (name, text) in files { folder.write("bank/" + name, text) }
        return (folder, all)
    }

    @Test("every element of the subset loads, written out again from its parts; images are read with the bank")
    func subset() throws {
        let (folder, files) = bank(
            stem: """
                Hasil <em>dari</em> 2<sup>5</sup> + H<sub>2</sub>O dan <strong>¾</strong>:<br/>
                <math><mfrac><mn>3</mn><mn>4</mn></mfrac><mo>+</mo><msqrt><mi>x</mi></msqrt></math>
                <table><caption>Data</caption><tr><th>a</th><td>2 &lt; 5 &amp; 7</td></tr></table>
                <p>Gambar: <img src="figures/persegi.svg" alt="Sebuah persegi"/></p>
                """,
            option: "<img src=\"figures/persegi.svg\" alt=\"Persegi\"/>",
            files: ["figures/persegi.svg": Self.square]
        )
        let loaded = try loadSmall(folder, files: files)
        let item = try #require(loaded.item("a-1"))
        #expect(item.markup && item.images == ["figures/persegi.svg"])
        #expect(item.stem.contains("2<sup>5</sup>") && item.stem.contains("<br/>") && item.stem.contains("<mfrac><mn>3</mn><mn>4</mn></mfrac>"))
        #expect(item.stem.contains("<td>2 &lt; 5 &amp; 7</td>") && item.stem.contains("<img src=\"figures/persegi.svg\" alt=\"Sebuah persegi\"/>"))
        #expect(item.options[0].text == "<img src=\"figures/persegi.svg\" alt=\"Persegi\"/>")
        // What it writes reads back as the same fragment.
        #expect(try ItemMarkup.parse(item.stem).html() == item.stem)
        let image = try #require(loaded.images["figures/persegi.svg"])
        #expect(image.mediaType == "image/svg+xml" && image.data == Data(Self.square.utf8))
        // Without markup a "<" is just a character.
        #expect(loaded.item("a-2")?.markup == false)
    }

    @Test(
        "anything outside the subset is refused with its line and item: elements, attributes, images without alt or outside the bank, unsafe SVG, HTML entities"
    )
    func refusals() throws {
        let cases: [(stem: String, files: [String: String], code: String, says: String)] = [
            ("Soal <script>alert(1)</script>", [:], "bad-markup", "<script>"),
            ("Soal <b>tebal</b>", [:], "bad-markup", "<b>"),
            ("Soal <em onclick=\"x()\">a</em>", [:], "bad-markup", "onclick"),
            ("Soal <img src=\"figures/persegi.svg\"/>", ["figures/persegi.svg": Self.square], "bad-markup", "tanpa teks alt"),
            ("Soal <img src=\"../luar.svg\" alt=\"x\"/>", [:], "bad-image", "di dalam folder bank"),
            ("Soal <img src=\"figures/tidak-ada.svg\" alt=\"x\"/>", [:], "bad-image", "tidak ada"),
            ("Soal <img src=\"figures/x.gif\" alt=\"x\"/>", [:], "bad-image", "SVG, PNG atau JPEG"),
            (
                "Soal <img src=\"figures/jahat.svg\" alt=\"x\"/>",
                ["figures/jahat.svg": Self.square.replacingOccurrences(of: "<title>", with: "<script>alert(1)</script><title>")],
                "bad-image", "<script>"
            ),
            (
                "Soal <img src=\"figures/jahat.svg\" alt=\"x\"/>",
                ["figures/jahat.svg": Self.square.replacingOccurrences(of: "<rect ", with: "<rect onload=\"x()\" ")], "bad-image", "onload"
            ),
            ("Soal <img src=\"figures/palsu.png\" alt=\"x\"/>", ["figures/palsu.png": "bukan png"], "bad-image", "bukan berkas PNG"),
            ("Soal Garuda&nbsp;Pancasila", [:], "bad-markup", "&nbsp;"),
            ("Soal <mi>x</mi>", [:], "bad-markup", "hanya boleh di dalam <math>"),
            ("Soal <math><em>x</em></math>", [:], "bad-markup", "tidak boleh di dalam rumus"),
            ("Soal <em>tidak ditutup", [:], "bad-markup", "markup tidak valid"),
            (
                "Soal <img src=\"figures/catatan.svg\" alt=\"x\"/>",
                ["figures/catatan.svg": Self.square.replacingOccurrences(of: "<title>", with: "<!-- kunci: C --><title>")], "bad-image", "komentar"
            ),
        ]
        for (stem, extra, code, says) in cases {
            let (folder, files) = bank(stem: stem, files: extra)
            let found = problems(folder, files: files)
            // Markup problems name the line in the stem's text (item a-1 starts on line 2, its `stem: |` on 8, the text on 9); image ones the stem key's.
            #expect(found.count == 1 && found.first?.code == code && found.first?.itemID == "a-1", "\(stem): \(found)")
            #expect(found.first?.line == (code == "bad-markup" ? 9 : 8), "\(stem): line \(found.first?.line ?? -1)")
            #expect(found.first?.message.contains(says) == true, "\(stem): \(found.first?.message ?? "-")")
        }
    }

    @Test("an explanation's figure is checked but is not the item's: never in the paper, never served")
    func explanationFigure() throws {
        let (folder, files) = bank(
            stem: "Lihat <img src=\"figures/persegi.svg\" alt=\"Persegi\"/>",
            files: ["figures/persegi.svg": Self.square, "figures/jawaban.svg": Self.square.replacingOccurrences(of: "Persegi", with: "Jawaban")]
        )
        var all = files
        all["a.yaml"] = all["a.yaml"]!.replacingOccurrences(of: "      - text: Opsi 1 a-1", with: "      - text: Opsi 1 a-1", options: []).replacingOccurrences(
            of: "    markup: true\n",
            with: "    markup: true\n    explanation: <img src=\"figures/jawaban.svg\" alt=\"Jawaban\"/>\n"
        )
        let loaded = try loadSmall(folder, files: all)
        #expect(loaded.item("a-1")?.images == ["figures/persegi.svg"])
        #expect(loaded.item("a-1")?.explanation?.contains("figures/jawaban.svg") == true)
    }

    @Test("an image's bytes are part of its item's fingerprint and the bank's content digest")
    func fingerprint() throws {
        let (folder, files) = bank(stem: "Lihat <img src=\"figures/persegi.svg\" alt=\"Persegi\"/>", files: ["figures/persegi.svg": Self.square])
        let before = try loadSmall(folder, files: files)
        folder.write("bank/figures/persegi.svg", Self.square.replacingOccurrences(of: "stroke-width=\"4\"", with: "stroke-width=\"6\""))
        let after = try loadSmall(folder, files: files)
        #expect(before.fingerprints["a-1"] != after.fingerprints["a-1"])
        #expect(before.fingerprints["a-2"] == after.fingerprints["a-2"])
        #expect(before.contentDigest != after.contentDigest)
    }
}
