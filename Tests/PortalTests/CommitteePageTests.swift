import Foundation
import HTTPTypes
import Registration
import SeleksiCore
import Testing

/// The committee admin sets a period up with forms only: timetable, agencies,
/// formations (one by one or from an agency's CSV table) and exam slots.
@Suite("Committee pages: setting a period up without the API")
struct CommitteePageTests {
    /// A browser signed in as `username` through the staff login form.
    static func signedIn(_ username: String, _ client: PortalClient, _ portal: TestPortal) async throws -> Browser {
        var browser = Browser(client: client)
        let page = try await browser.request(.get, "/staf/masuk")
        let secrets = try #require(portal.staffSecrets[username])
        let reply = try await browser.request(
            .post,
            "/staf/masuk",
            form: [("csrf", try Browser.csrf(page)), ("username", username), ("password", secrets.password), ("totp", portal.totp(username))]
        )
        #expect(reply.status == 303)
        return browser
    }

    static func actions(_ portal: TestPortal, _ action: String) async throws -> [AuditEntry] {
        try await portal.service.store.audit(AuditFilter(action: action, limit: 1000))
    }

    @Test("timetable, agency, formation and slot: created and edited with forms, refusals shown with what was typed, each change audited")
    func forms() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            var admin = try await Self.signedIn("admin", client, portal)

            // The timetable, in WIB.
            var page = try await admin.request(.get, "/staf/panitia/jadwal")
            #expect(page.status == 200 && page.text.contains("value=\"casn-test\""))
            let period = try await portal.service.period()
            #expect(page.text.contains("value=\"\(IndonesianDate.inputValue(period.registration.opens, in: .wib))\""))
            var fields = Self.timetableFields(period, csrf: try Browser.csrf(page))
            fields.replace("name", "CASN Uji Ubah")
            fields.replace("exam_closes", "2020-01-01T00:00")
            var reply = try await admin.request(.post, "/staf/panitia/jadwal", form: fields)
            #expect(reply.status == 422 && reply.text.contains("berakhir sebelum dibuka") && reply.text.contains("value=\"CASN Uji Ubah\""))
            fields.replace("exam_closes", "2027-13-01T00:00")
            reply = try await admin.request(.post, "/staf/panitia/jadwal", form: fields)
            #expect(reply.status == 422 && reply.text.contains("Ujian: isi tanggal"))
            #expect(try await portal.service.period().name == "CASN Uji")
            fields.replace("exam_closes", IndonesianDate.inputValue(period.exam.closes, in: .wib))
            reply = try await admin.request(.post, "/staf/panitia/jadwal", form: fields)
            #expect(reply.status == 303 && reply.headers[.location] == "/staf/panitia/jadwal?disimpan=1")
            page = try await admin.request(.get, "/staf/panitia/jadwal?disimpan=1")
            #expect(page.text.contains("Perubahan disimpan.") && page.text.contains("value=\"CASN Uji Ubah\""))
            #expect(try await portal.service.period().name == "CASN Uji Ubah")
            // The notice is fixed: whatever the address says is not shown.
            page = try await admin.request(.get, "/staf/panitia/jadwal?disimpan=Hubungi+0812")
            #expect(!page.text.contains("0812"))

            // An agency.
            page = try await admin.request(.get, "/staf/panitia/instansi")
            reply = try await admin.request(
                .post,
                "/staf/panitia/instansi",
                form: [("csrf", try Browser.csrf(page)), ("id", "Pemkot Kupang"), ("name", "Pemkot")]
            )
            #expect(reply.status == 422 && reply.text.contains("Kode instansi") && reply.text.contains("value=\"Pemkot Kupang\""))
            reply = try await admin.request(
                .post,
                "/staf/panitia/instansi",
                form: [("csrf", try Browser.csrf(page)), ("id", "pemkot-kupang"), ("name", "Pemerintah Kota Kupang")]
            )
            #expect(reply.status == 303)
            page = try await admin.request(.get, "/staf/panitia/instansi?kode=pemkot-kupang")
            #expect(page.text.contains("Ubah instansi pemkot-kupang") && page.text.contains("value=\"Pemerintah Kota Kupang\""))

            // A formation: new, refused, edited; frozen once applied to.
            page = try await admin.request(.get, "/staf/panitia/formasi/ubah")
            #expect(page.status == 200 && page.text.contains("Pemerintah Kota Kupang"))
            var formation: [(String, String)] = [
                ("csrf", try Browser.csrf(page)), ("id", "KPG-GR-1"), ("agencyID", "pemkot-kupang"), ("position", "Guru Matematika"),
                ("unit", "Dinas Pendidikan"), ("location", "Kupang"), ("educationLevel", "S1"), ("majors", "Pendidikan Matematika\nMatematika"),
                ("quota", "0"), ("type", "general"), ("maxAge", "35"),
            ]
            reply = try await admin.request(.post, "/staf/panitia/formasi", form: formation)
            #expect(reply.status == 422 && reply.text.contains("kuota harus") && reply.text.contains("value=\"Guru Matematika\""))
            formation.replace("quota", "12")
            reply = try await admin.request(.post, "/staf/panitia/formasi", form: formation)
            #expect(reply.status == 303)
            let saved = try await portal.service.formation(id: "KPG-GR-1")
            #expect(saved.majors == ["Pendidikan Matematika", "Matematika"] && saved.quota == 12 && saved.agencyName == "Pemerintah Kota Kupang")
            page = try await admin.request(.get, "/staf/panitia/formasi/ubah?kode=KPG-GR-1")
            #expect(page.text.contains("Ubah formasi KPG-GR-1") && page.text.contains("value=\"12\""))

            let applicant = try await client.applicant()
            let applied = try await client.send(.post, "/api/application", token: applicant, json: PortalClient.draft(formation: "KEU-1"))
            #expect(applied.status == 201)
            page = try await admin.request(.get, "/staf/panitia/formasi/ubah?kode=KEU-1")
            let keu: [(String, String)] = [
                ("csrf", try Browser.csrf(page)), ("editing", "1"), ("id", "KEU-1"), ("agencyID", "kemenkeu"), ("position", "Pranata Komputer Ahli Pertama"),
                ("unit", "DJP"), ("location", "Jakarta"), ("educationLevel", "D3"), ("majors", "Teknik Informatika"), ("quota", "3"), ("type", "general"),
                ("maxAge", "35"),
            ]
            reply = try await admin.request(.post, "/staf/panitia/formasi", form: keu)
            #expect(reply.status == 409 && reply.text.contains("sudah dilamar 1 orang") && reply.text.contains("Ubah formasi KEU-1"))
            #expect(try await portal.service.formation(id: "KEU-1").educationLevel == .s1)
            // What the rule still allows: the quota.
            var quota = keu
            quota.replace("educationLevel", "S1")
            reply = try await admin.request(.post, "/staf/panitia/formasi", form: quota)
            #expect(reply.status == 303)
            #expect(try await portal.service.formation(id: "KEU-1").quota == 3)

            // A slot in Kupang, in WITA.
            page = try await admin.request(.get, "/staf/panitia/sesi/ubah")
            var slot: [(String, String)] = [
                ("csrf", try Browser.csrf(page)), ("id", "kpg-1"), ("venue", "UPT BKN Kupang"), ("location", "Kupang"), ("timeZone", "WITA"),
                ("startsAt", "2027-02-12T07:30"), ("sessionNumber", "9"), ("capacity", "40"),
            ]
            reply = try await admin.request(.post, "/staf/panitia/sesi", form: slot)
            #expect(reply.status == 422 && reply.text.contains("sesi 1-8") && reply.text.contains("value=\"UPT BKN Kupang\""))
            slot.replace("sessionNumber", "1")
            reply = try await admin.request(.post, "/staf/panitia/sesi", form: slot)
            #expect(reply.status == 303)
            let kupang = try #require(try await portal.service.slots().first { $0.id == "kpg-1" })
            #expect(kupang.startsAt == IndonesianTimeZone.wita.instant(localDay: 2027, 2, 12, hour: 7, minute: 30) && kupang.timeZone == .wita)
            page = try await admin.request(.get, "/staf/panitia/sesi")
            #expect(page.text.contains("12 Februari 2027 07.30 WITA"))
            page = try await admin.request(.get, "/staf/panitia/sesi/ubah?kode=kpg-1")
            #expect(page.text.contains("value=\"2027-02-12T07:30\"") && page.text.contains("<option selected>WITA</option>"))

            // Every change is in the audit log, by the admin.
            for action in ["period.save", "agency.save", "formation.save", "slot.save"] {
                let entries = try await Self.actions(portal, action).filter { $0.actor == "admin" }
                #expect(!entries.isEmpty, "\(action)")
            }
            // A form without the session's token changes nothing.
            reply = try await admin.request(.post, "/staf/panitia/instansi", form: [("csrf", "palsu"), ("id", "bkn"), ("name", "Diganti")])
            #expect(reply.status == 403)
            #expect(try await portal.service.agencies().first { $0.id == "bkn" }?.name == "Badan Kepegawaian Negara")
        }
    }

    @Test("only a committee admin reaches the set-up pages: a verifier gets 403, a visitor the staff login, and nothing changes")
    func scope() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            var verifier = try await Self.signedIn("verif-keu", client, portal)
            let csrf = try Browser.csrf(try await verifier.request(.get, "/staf/verifikasi"))
            var visitor = Browser(client: client)
            for path in [
                "/staf/panitia/jadwal", "/staf/panitia/instansi", "/staf/panitia/formasi", "/staf/panitia/formasi/ubah", "/staf/panitia/sesi",
                "/staf/panitia/sesi/ubah",
            ] {
                #expect(try await verifier.request(.get, path).status == 403, "\(path)")
                let anonymous = try await visitor.request(.get, path)
                #expect(anonymous.status == 303 && anonymous.headers[.location] == "/staf/masuk", "\(path)")
            }
            let posts: [(String, [(String, String)])] = [
                ("/staf/panitia/instansi", [("csrf", csrf), ("id", "bkn"), ("name", "Diganti")]),
                ("/staf/panitia/jadwal", [("csrf", csrf), ("id", "casn-test"), ("name", "Diganti")]),
                ("/staf/panitia/formasi", [("csrf", csrf), ("id", "KEU-1")]),
                ("/staf/panitia/sesi", [("csrf", csrf), ("id", "jkt-1")]),
            ]
            for (path, form) in posts {
                #expect(try await verifier.request(.post, path, form: form).status == 403, "\(path)")
            }
            let imported = try await verifier.request(
                .post,
                "/staf/panitia/formasi/impor",
                multipart: (fields: [("csrf", csrf)], file: Array(Self.table.utf8), name: "formasi.csv")
            )
            #expect(imported.status == 403)
            #expect(try await portal.service.agencies().first { $0.id == "bkn" }?.name == "Badan Kepegawaian Negara")
            #expect(try await portal.service.period().name == "CASN Uji")
            #expect(try await portal.service.formations(FormationFilter()).total == 3)
        }
    }

    static let table = #"""
        instansi,jabatan,unit_kerja,lokasi,pendidikan,program_studi,kuota,jenis_formasi,batas_usia
        Kementerian Keuangan,"Analis Keuangan, Ahli Pertama",Direktorat Jenderal Perbendaharaan,Jakarta,S1,Akuntansi;Manajemen,4,umum,
        bkn,Pranata Komputer,"Kantor Regional ""XIV""",Manokwari,D3,Teknik Informatika,2,Putra/Putri Papua,35
        bkn,Dokter,Pusat,Jakarta,S1,Pendidikan Dokter,1,general,40

        """#

    @Test("a formation table: every bad line named, nothing saved until all are good; a second import of the same table updates, never duplicates")
    func importTable() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            var admin = try await Self.signedIn("admin", client, portal)
            var page = try await admin.request(.get, "/staf/panitia/formasi")
            #expect(page.status == 200 && page.text.contains("Formasi (3)"))
            func upload(_ text: String) async throws -> Reply {
                let reply = try await admin.request(
                    .post,
                    "/staf/panitia/formasi/impor",
                    multipart: (fields: [("csrf", try Browser.csrf(page))], file: Array(text.utf8), name: "formasi.csv")
                )
                page = reply
                return reply
            }
            let bad =
                Self.table.replacingOccurrences(of: ",D3,", with: ",D9,").replacingOccurrences(of: "bkn,Dokter", with: "kemenkes,Dokter")
                + "\n" + "bkn,Analis,Pusat,Jakarta,S1,,0,umum,70\n"  // after a blank line: line 6
            var reply = try await upload(bad)
            #expect(reply.status == 422)
            #expect(reply.text.contains("tidak ada formasi yang disimpan"))
            #expect(reply.text.contains("baris 3: pendidikan &#39;D9&#39;") || reply.text.contains("baris 3: pendidikan 'D9'"), "\(reply.text)")
            #expect(reply.text.contains("baris 4: instansi"))
            #expect(reply.text.contains("baris 6: ") && reply.text.contains("kuota harus") && reply.text.contains("batas usia harus"))
            #expect(!reply.text.contains("baris 2:"))
            #expect(try await portal.service.formations(FormationFilter()).total == 3)

            reply = try await upload("instansi,jabatan,unit,lokasi\nbkn,A,B,C\n")
            #expect(reply.status == 422 && reply.text.contains("kolom") && reply.text.contains("unit"))
            reply = try await upload("")
            #expect(reply.status == 422)

            reply = try await upload(Self.table)
            #expect(reply.status == 200 && reply.text.contains("3 formasi diimpor."), "\(reply.status)")
            #expect(try await portal.service.formations(FormationFilter()).total == 6)
            let items = try await portal.service.formations(FormationFilter(pageSize: 100)).items
            let analyst = try #require(items.first { $0.position == "Analis Keuangan, Ahli Pertama" })
            #expect(analyst.agencyID == "kemenkeu" && analyst.majors == ["Akuntansi", "Manajemen"] && analyst.maxAge == 35 && analyst.quota == 4)
            let papua = try #require(items.first { $0.unit == "Kantor Regional \"XIV\"" })
            #expect(papua.type == .papua && papua.educationLevel == .d3)
            #expect(try await Self.actions(portal, "formation.import").count == 3)

            // The same table again, with a new quota: the same formations change.
            reply = try await upload(Self.table.replacingOccurrences(of: "Akuntansi;Manajemen,4", with: "Akuntansi;Manajemen,7"))
            #expect(reply.status == 200)
            #expect(try await portal.service.formations(FormationFilter()).total == 6)
            #expect(try await portal.service.formation(id: analyst.id).quota == 7)

            // One line the timetable rules refuse (a formation already applied to may not
            // change its education), and the good line beside it is not saved either.
            let applicant = try await client.applicant()
            #expect(try await client.send(.post, "/api/application", token: applicant, json: PortalClient.draft(formation: "KEU-1")).status == 201)
            reply = try await upload(
                """
                kode,instansi,jabatan,unit_kerja,lokasi,pendidikan,program_studi,kuota,jenis_formasi,batas_usia
                BKN-9,bkn,Arsiparis,Pusat,Jakarta,S1,Kearsipan,1,umum,35
                KEU-1,kemenkeu,Pranata Komputer Ahli Pertama,DJP,Jakarta,D3,Teknik Informatika,2,umum,35
                """
            )
            #expect(reply.status == 422 && reply.text.contains("baris 3: Formasi KEU-1 sudah dilamar 1 orang"))
            #expect((try? await portal.service.formation(id: "BKN-9")) == nil)
            #expect(try await portal.service.formation(id: "KEU-1").educationLevel == .s1)
        }
    }
}

extension [(String, String)] {
    fileprivate mutating func replace(_ name: String, _ value: String) {
        if let index = firstIndex(where: { $0.0 == name }) { self[index].1 = value } else { append((name, value)) }
    }
}

extension CommitteePageTests {
    static func timetableFields(_ period: SelectionPeriod, csrf: String) -> [(String, String)] {
        var fields = [("csrf", csrf), ("id", period.id), ("name", period.name)]
        for (key, window) in [
            ("registration", period.registration), ("verification", period.verification), ("exam", period.exam), ("announcement", period.announcement),
        ] {
            fields.append(("\(key)_opens", IndonesianDate.inputValue(window.opens, in: .wib)))
            fields.append(("\(key)_closes", IndonesianDate.inputValue(window.closes, in: .wib)))
        }
        fields += [("objectionDays", String(period.objectionDays)), ("participantPrefix", period.participantPrefix)]
        return fields
    }
}
