import Foundation
@testable import RiskReport
import Testing

/// The report rendered by a real browser: headless Chromium (Debian package `chromium`) loads
/// the page from a file, with a `window.onerror` hook injected by the test that writes any script
/// error into the DOM; the test fails on such an error, on any console message, or when the
/// rendered DOM has fewer charts than the page. Screenshots are written beside the page (set
/// RISKENGINE_REPORT_SCREENSHOTS to a folder to keep them). Skipped only when no `chromium`
/// executable is on PATH.
enum Chromium {
    static let path: String? = {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for d in dirs {
            for name in ["chromium", "chromium-browser"] {
                let p = "\(d)/\(name)"
                if FileManager.default.isExecutableFile(atPath: p) { return p }
            }
        }
        return nil
    }()

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ args: [String]) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path!)
        p.arguments = ["--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage", "--enable-logging=stderr", "--v=0"] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // A browser that hangs is stopped after two minutes (the test then fails on its status).
        let process = p
        DispatchQueue.global().asyncAfter(deadline: .now() + 120) { if process.isRunning { process.terminate() } }
        // Read both pipes concurrently so a full stderr cannot block the browser.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

@Suite struct BrowserTests {
    static let hook = "<script>window.onerror=function(m){document.documentElement.setAttribute('data-script-error',String(m));};</script>"

    @Test(.enabled(if: Chromium.path != nil, "chromium is not installed (Debian package chromium)"), arguments: ReportLanguage.allCases)
    func rendersInChromium(_ language: ReportLanguage) throws {
        let html = try ReportFixture.page(language, validation: true)
        let dir: URL
        if let keep = ProcessInfo.processInfo.environment["RISKENGINE_REPORT_SCREENSHOTS"] {
            dir = URL(fileURLWithPath: keep)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } else {
            dir = try ReportFixture.tempDir()
        }
        let page = dir.appendingPathComponent("report-\(language.rawValue).html")
        try html.replacingOccurrences(of: "<head>\n", with: "<head>\n" + Self.hook + "\n").write(to: page, atomically: true, encoding: .utf8)

        let dom = try Chromium.run(["--dump-dom", page.absoluteString])
        #expect(dom.status == 0, "\(dom.stderr)")
        #expect(!dom.stdout.contains("data-script-error=\""), "script error in the page")
        // The page has no script: any console message (a script error, a blocked or failed load)
        // is a defect.
        let consoleErrors = dom.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") }
        #expect(consoleErrors.isEmpty, "\(consoleErrors)")
        let svgs = occurrences("<svg", in: dom.stdout)
        #expect(svgs == occurrences("<svg", in: html) && svgs >= 5, "charts in the rendered DOM: \(svgs)")
        #expect(dom.stdout.contains("lang=\"\(language.rawValue)\""))

        let shot = dir.appendingPathComponent("report-\(language.rawValue).png")
        let s = try Chromium.run(["--screenshot=\(shot.path)", "--window-size=1100,2600", "--hide-scrollbars", page.absoluteString])
        #expect(s.status == 0, "\(s.stderr)")
        let png = try Data(contentsOf: shot)
        #expect(png.count > 10_000)
        #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
    }
}
