import Foundation
import Testing

/// Tests that start real processes. One serialized suite: a process spawned while
/// another test waits on a pipe could inherit that pipe and hold it open.
@Suite("End to end: real processes", .serialized, .timeLimit(.minutes(3)))
struct EndToEndTests {}

extension EndToEndTests {
    @Test("kill -9 costs no acknowledged answer and no second of the candidate's time")
    func killNine() throws {
        guard requireTools(["curl": which("curl"), "seleksi": seleksiBinary]) else { return }
        let node = NodeProcess()
        try node.start(demo: true)
        let pin = try #require(node.printed.firstMatch(of: /PIN sesi (\d{6})/)?.1).description
        #expect(node.printed.contains("sertifikat swatanda dibuat"))
        // Plain HTTP only redirects; TLS below 1.2 is refused.
        let redirect = try runCurl(["-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "http://127.0.0.1:\(node.httpPort)/pengawas"])
        #expect(redirect == "308 https://127.0.0.1:\(node.httpsPort)/pengawas")
        // The request's Host never chooses where a browser is sent.
        let forged = try runCurl(
            ["-s", "-o", "/dev/null", "-H", "Host: evil.example", "-w", "%{http_code} %{redirect_url}", "http://127.0.0.1:\(node.httpPort)/masuk?x=1"])
        #expect(forged == "308 https://127.0.0.1:\(node.httpsPort)/masuk?x=1")
        let portalForged = try runCurl(
            ["-s", "-o", "/dev/null", "-H", "Host: evil.example", "-w", "%{http_code} %{redirect_url}", "http://127.0.0.1:\(node.portalHTTPPort)/"])
        #expect(portalForged == "308 https://127.0.0.1:\(node.portalHTTPSPort)/")
        // Only AEAD suites on TLS 1.2: a CBC-only client finds nothing to agree on.
        let cbc = try runCurl(
            [
                "-sk", "--tls-max", "1.2", "--ciphers", "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA", "-o", "/dev/null", "-w", "%{http_code}",
                "https://127.0.0.1:\(node.httpsPort)/",
            ])
        #expect(cbc == "000")
        let gcm = try runCurl(
            [
                "-sk", "--tls-max", "1.2", "--ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256", "-o", "/dev/null", "-w", "%{http_code}",
                "https://127.0.0.1:\(node.httpsPort)/",
            ])
        #expect(gcm == "200")
        // HTTP/2 for a client that offers it by ALPN; HTTP/1.1 for one that does not.
        let h2 = try runCurl(["-sk", "--http2", "-o", "/dev/null", "-w", "%{http_version}", "https://127.0.0.1:\(node.httpsPort)/"])
        #expect(h2 == "2")
        let h1 = try runCurl(["-sk", "--http1.1", "-o", "/dev/null", "-w", "%{http_version}", "https://127.0.0.1:\(node.httpsPort)/"])
        #expect(h1 == "1.1")
        let oldTLS = try runCurl(["-sk", "--tls-max", "1.1", "-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:\(node.httpsPort)/"])
        #expect(oldTLS == "000")

        let (loginStatus, login) = try node.curl(
            "POST",
            "/api/exam/login",
            json: ["participantNumber": "2024000001", "pin": pin, "accessCode": try node.accessCode("2024000001"), "device": "e2e"]
        )
        #expect(loginStatus == 200)
        let token = try #require((login as? [String: Any])?["token"] as? String)
        let (_, paperBody) = try node.curl("GET", "/api/exam/paper", token: token, device: "e2e")
        let items = try #require((paperBody as? [String: Any])?["items"] as? [[String: Any]])

        // Every answer below is acknowledged before the next is sent.
        var acknowledged: [String: String] = [:]
        for (index, item) in items.prefix(25).enumerated() {
            let id = item["id"] as! String
            let options = item["options"] as! [[String: Any]]
            let option = options[index % options.count]["id"] as! String
            let (status, receipt) = try node.curl(
                "PUT",
                "/api/exam/answers/\(id)",
                token: token,
                device: "e2e",
                json: ["option": option, "sequence": index + 1]
            )
            #expect(status == 200)
            #expect((receipt as? [String: Any])?["saved"] as? Bool == true)
            acknowledged[id] = option
        }
        let (_, before) = try node.curl("GET", "/api/exam/state", token: token, device: "e2e")
        let leftBefore = try #require((before as? [String: Any])?["secondsLeft"] as? Int)

        node.kill()
        Thread.sleep(forTimeInterval: 3)  // the node is down: this time must not be charged
        try node.start(demo: false)

        let (status, after) = try node.curl("GET", "/api/exam/state", token: token, device: "e2e")
        #expect(status == 200)
        let state = try #require(after as? [String: Any])
        let grid = try #require(state["grid"] as? [[String: Any]])
        var saved: [String: String] = [:]
        for entry in grid { if let option = entry["option"] as? String { saved[entry["item"] as! String] = option } }
        #expect(saved == acknowledged)
        let leftAfter = try #require(state["secondsLeft"] as? Int)
        // Only the few seconds the node was actually up can be charged, never the 3 s it was down.
        #expect(leftAfter >= leftBefore - 2, "before \(leftBefore), after \(leftAfter)")
        let (_, paperAgain) = try node.curl("GET", "/api/exam/paper", token: token, device: "e2e")
        #expect(((paperAgain as? [String: Any])?["items"] as? [[String: Any]])?.map { $0["id"] as! String } == items.map { $0["id"] as! String })
    }
}
