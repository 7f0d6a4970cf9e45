import Foundation

/// A small W3C WebDriver client over chromedriver, enough to drive the exam page in
/// headless Chromium from Debian's packages.
final class WebDriver: @unchecked Sendable {
    /// A port nothing listens on (a random one could be a portal's or a node's of the same run).
    let port = NodeProcess.freePorts(1)[0]
    private let driver = Process()
    private var session = ""

    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// - Parameters:
    ///   - javascript: false for a browser with JavaScript off in its pages (the WebDriver's
    ///     own scripts still run, to read the page).
    ///   - phoneWidth: a phone's screen, this many CSS pixels wide (device emulation).
    ///   - desktopWidth: a desktop window this many CSS pixels wide (no touch, scroll bars).
    init(chromium: String, chromedriver: String, javascript: Bool = true, phoneWidth: Int? = nil, desktopWidth: Int? = nil) throws {
        driver.executableURL = URL(fileURLWithPath: chromedriver)
        driver.arguments = ["--port=\(port)"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        for _ in 0..<100 {
            if (try? call("GET", "/status")) != nil { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        var options: [String: Any] = [
            "binary": chromium, "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1024,900"],
        ]
        if !javascript { options["prefs"] = ["profile.managed_default_content_settings.javascript": 2] }
        // Chromium sometimes fails its first start on a loaded machine (the previous test's
        // browser still exiting): asked again, up to three times, before the test fails.
        var created: Any?
        for attempt in 1...3 {
            do {
                created = try call(
                    "POST",
                    "/session",
                    [
                        "capabilities": [
                            "alwaysMatch": [
                                "browserName": "chrome", "acceptInsecureCerts": true,
                                "goog:chromeOptions": options,
                            ] as [String: Any]
                        ]
                    ]
                )
                break
            } catch  where attempt < 3 && driver.isRunning {
                Thread.sleep(forTimeInterval: 1)
            }
        }
        guard let id = (created as? [String: Any])?["sessionId"] as? String else {
            throw Failure(message: "no WebDriver session: \(String(describing: created))")
        }
        session = id
        // A phone's screen through DevTools (chromedriver's mobileEmulation makes clicks
        // wait forever, and a headless window is at least 500 px wide).
        if let width = phoneWidth ?? desktopWidth {
            let mobile = phoneWidth != nil
            _ = try call(
                "POST",
                "/session/\(id)/goog/cdp/execute",
                [
                    "cmd": "Emulation.setDeviceMetricsOverride",
                    "params": ["width": width, "height": mobile ? 780 : 900, "deviceScaleFactor": mobile ? 2 : 1, "mobile": mobile],
                ]
            )
        }
    }

    deinit {
        _ = try? call("DELETE", "/session/\(session)")
        // chromedriver does not always leave on SIGTERM.
        kill(driver.processIdentifier, SIGKILL)
        driver.waitUntilExit()
    }

    func open(_ url: String) throws { _ = try call("POST", "/session/\(session)/url", ["url": url]) }

    /// Runs JavaScript in the page and returns its result.
    @discardableResult
    func script(_ source: String) throws -> Any? { try call("POST", "/session/\(session)/execute/sync", ["script": source, "args": []]) }

    /// The page as a PNG.
    func screenshot() throws -> Data {
        guard let text = try call("GET", "/session/\(session)/screenshot") as? String, let data = Data(base64Encoded: text) else {
            throw Failure(message: "no screenshot")
        }
        return data
    }

    /// Sends keys to the element `css` finds, as a keyboard would (a space on a radio chooses it).
    func type(_ css: String, _ text: String) throws {
        let found = try call("POST", "/session/\(session)/element", ["using": "css selector", "value": css])
        guard let element = (found as? [String: Any])?.values.first as? String else { throw Failure(message: "no element \(css)") }
        _ = try call("POST", "/session/\(session)/element/\(element)/value", ["text": text])
    }

    /// Presses keys on the keyboard, wherever focus is (`WebDriver.tab`, `.enter`, or text).
    func press(_ keys: String) throws {
        let strokes = keys.unicodeScalars.flatMap { key in [["type": "keyDown", "value": String(key)], ["type": "keyUp", "value": String(key)]] }
        _ = try call("POST", "/session/\(session)/actions", ["actions": [["type": "key", "id": "keyboard", "actions": strokes] as [String: Any]]])
    }

    /// One node of the page's accessibility tree, as a screen reader gets it.
    struct AccessibleNode {
        let role: String
        let name: String
        let ignored: Bool
    }

    /// The page's full accessibility tree (DevTools `Accessibility.getFullAXTree`).
    func accessibilityTree() throws -> [AccessibleNode] {
        let value = try call("POST", "/session/\(session)/goog/cdp/execute", ["cmd": "Accessibility.getFullAXTree", "params": [String: Any]()])
        let nodes = ((value as? [String: Any])?["nodes"] as? [[String: Any]]) ?? []
        return nodes.map { node in
            AccessibleNode(
                role: ((node["role"] as? [String: Any])?["value"] as? String) ?? "",
                name: ((node["name"] as? [String: Any])?["value"] as? String) ?? "",
                ignored: node["ignored"] as? Bool ?? false
            )
        }
    }

    static let tab = "\u{E004}"
    static let enter = "\u{E007}"

    func click(_ css: String) throws {
        let found = try call("POST", "/session/\(session)/element", ["using": "css selector", "value": css])
        guard let element = (found as? [String: Any])?.values.first as? String else { throw Failure(message: "no element \(css)") }
        _ = try call("POST", "/session/\(session)/element/\(element)/click", [:])
    }

    /// Clicks a link or a form's button and waits for the page it leads to: a click's
    /// navigation may still be under way when the click returns, and reading the page then
    /// reads the old one (it did, on a loaded CI machine).
    func submit(_ css: String, seconds: Double = 20) throws {
        try script("window.__seleksiLeaving = true;")
        try click(css)
        try wait("!window.__seleksiLeaving && document.readyState === 'complete'", seconds: seconds)
    }

    /// Polls `condition` (JavaScript returning a boolean) until it holds.
    func wait(_ condition: String, seconds: Double = 15) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? script("return Boolean(\(condition));")) as? Bool == true { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw Failure(message: "timed out waiting for: \(condition)")
    }

    /// One WebDriver command; returns its `value`.
    private func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) throws -> Any? {
        var arguments = ["-s", "-X", method, "http://127.0.0.1:\(port)\(path)", "--max-time", "60"]
        if let body {
            arguments += [
                "-H", "Content-Type: application/json", "--data-binary", String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self),
            ]
        }
        let data = Data(try runCurl(arguments).utf8)
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any] else {
            throw Failure(message: "WebDriver \(method) \(path) failed")
        }
        if let value = object["value"] as? [String: Any], let error = value["error"] as? String {
            throw Failure(message: "WebDriver \(method) \(path): \(error) \(value["message"] ?? "")")
        }
        return object["value"]
    }
}
