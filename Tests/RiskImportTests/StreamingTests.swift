// The streaming tokenizer (entities, CDATA, comments, processing instructions, attributes, UTF-8,
// input split at every byte) and bounded memory on a large generated claim file.
import Foundation
@testable import RiskImport
import RiskTestSupport
import Testing

/// Tokenizes `text` fed in blocks of `block` bytes; events rendered as S:name, E:name, T:text, END, ERR:code.
private func tokens(_ bytes: [UInt8], block: Int = 1 << 16, maxDepth: Int = 64) -> [String] {
    var t = XMLTokenizer(maxDepth: maxDepth)
    var out: [String] = []
    var text: [UInt8] = []
    func flush() {
        if !text.isEmpty { out.append("T:" + String(decoding: text, as: UTF8.self)); text = [] }
    }
    func pull() -> Bool {
        while let e = t.next() {
            switch e {
            case .text(let b): text += b
            case .start(let n): flush(); out.append("S:" + n)
            case .end(let n): flush(); out.append("E:" + n)
            case .endOfDocument: flush(); out.append("END"); return true
            case .error(let x): flush(); out.append("ERR:" + x.code); return true
            }
        }
        return false
    }
    var i = 0
    while i < bytes.count {
        let end = min(bytes.count, i + block)
        t.feed(Array(bytes[i..<end]))
        if pull() { return out }
        i = end
    }
    t.finish()
    _ = pull()
    return out
}

@Suite struct XMLTokenizerTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String, xml: String, expected: [String]
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        .init(label: "elements and text", xml: "<A><B>x</B><C/></A>", expected: ["S:A", "S:B", "T:x", "E:B", "S:C", "E:C", "E:A", "END"]),
        .init(label: "declaration, BOM, comment, processing instruction",
              xml: "\u{FEFF}<?xml version=\"1.0\" encoding=\"utf-8\"?><!-- a -- comment --><A><?pi data?>x<!---->y</A>\n",
              expected: ["S:A", "T:xy", "E:A", "END"]),
        .init(label: "predefined entities and numeric references",
              xml: "<A>&amp;&lt;&gt;&quot;&apos;&#65;&#x1EA1;&#x1F600;</A>", expected: ["S:A", "T:&<>\"'Aạ😀", "E:A", "END"]),
        .init(label: "CDATA is text, markup inside is not parsed",
              xml: "<A>a<![CDATA[<B>&amp;]]]]>b</A>", expected: ["S:A", "T:a<B>&amp;]]b", "E:A", "END"]),
        .init(label: "attributes are ignored, quotes may hold >",
              xml: "<A x=\"1>2\" y='z'><B  k = \"v\" /></A>", expected: ["S:A", "S:B", "E:B", "E:A", "END"]),
        .init(label: "namespace prefixes are dropped", xml: "<n:A xmlns:n=\"u\"><n:B>1</n:B></n:A>", expected: ["S:A", "S:B", "T:1", "E:B", "E:A", "END"]),
        .init(label: "unknown entity", xml: "<A>&nbsp;</A>", expected: ["S:A", "ERR:unknown_entity"]),
        .init(label: "reference to a control character", xml: "<A>&#0;</A>", expected: ["S:A", "ERR:unknown_entity"]),
        .init(label: "mismatched end tag", xml: "<A><B></A>", expected: ["S:A", "S:B", "ERR:not_well_formed"]),
        .init(label: "truncated", xml: "<A><B>te", expected: ["S:A", "S:B", "T:te", "ERR:truncated"]),
        .init(label: "truncated inside a tag", xml: "<A><B", expected: ["S:A", "ERR:truncated"]),
        .init(label: "text outside the root", xml: "id,age\n<A/>", expected: ["ERR:not_well_formed"]),
        .init(label: "two roots", xml: "<A/><B/>", expected: ["S:A", "E:A", "ERR:not_well_formed"]),
        .init(label: "DOCTYPE refused", xml: "<!DOCTYPE A [<!ENTITY x \"y\">]><A>&x;</A>", expected: ["ERR:doctype"]),
        .init(label: "unquoted attribute", xml: "<A x=1/>", expected: ["ERR:not_well_formed"]),
        .init(label: "empty input", xml: "  \n", expected: ["ERR:empty"]),
    ]

    @Test(arguments: cases)
    func whole(_ c: Case) {
        #expect(tokens(Array(c.xml.utf8)) == c.expected)
    }

    /// The same events whatever the block boundaries (every split of the input into 1-byte blocks).
    @Test(arguments: cases)
    func byteByByte(_ c: Case) {
        #expect(tokens(Array(c.xml.utf8), block: 1) == c.expected)
    }

    @Test func invalidUTF8StopsAfterTheValidPart() {
        let bytes = Array("<A><B>ok</B><C>".utf8) + [0xC3, 0x28] + Array("</C></A>".utf8)
        #expect(tokens(bytes) == ["S:A", "S:B", "T:ok", "E:B", "S:C", "ERR:invalid_utf8"])
        #expect(tokens(Array("<A>x".utf8) + [0xE1, 0xBA]) == ["S:A", "T:x", "ERR:invalid_utf8"])  // ends inside a character
    }

    @Test func depthIsBoundedWithoutRecursion() {
        let deep = Array((String(repeating: "<A>", count: 100_000) + String(repeating: "</A>", count: 100_000)).utf8)
        let t = tokens(deep, maxDepth: 64)
        #expect(t.count == 65 && t.last == "ERR:too_deep")
        let ok = Array((String(repeating: "<A>", count: 64) + String(repeating: "</A>", count: 64)).utf8)
        #expect(tokens(ok, maxDepth: 64).last == "END")
    }

    @Test func base64DecodesIncrementally() {
        let text = Array("<TONG_HOP><MA_LK>LK1</MA_LK></TONG_HOP>".utf8)
        let encoded = Array(Data(text).base64EncodedString(options: .lineLength64Characters).utf8)
        for size in [1, 3, 7, 1000] {
            var d = Base64Decoder()
            var out: [UInt8] = []
            var i = 0
            while i < encoded.count {
                #expect(d.decode(Array(encoded[i..<min(encoded.count, i + size)]), into: &out))
                i += size
            }
            #expect(d.complete && out == text)
        }
        var bad = Base64Decoder()
        var sink: [UInt8] = []
        #expect(!bad.decode(Array("QUJD=QUJD".utf8), into: &sink))  // data after padding
        var short = Base64Decoder()
        #expect(short.decode(Array("QUJ".utf8), into: &sink) && !short.complete)
    }
}

@Suite(.serialized) struct ClaimLargeFileTests {

    /// The built `riskengine` executable (in the same build folder as the test bundle).
    static func riskengine() -> URL? {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("riskengine"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("riskengine"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("riskengine"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// A claim file of about 80 MB (each HOSO: a visit, a lab and a 12 kB XML3 table, as in real
    /// exports where services dominate the size), written in the test's own temporary folder.
    /// Importing it raises the peak resident memory by far less than the file size: the file is read
    /// in 64 KiB blocks and only the fields read are kept.
    @Test func largeFileStreamsInBoundedMemory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("riskimport-large-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("large.xml")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        let filler = Data(("<CHITIEU_CHITIET_DVKT_VTYT><DSACH_CHI_TIET_DVKT>"
            + String(repeating: "<CHI_TIET_DVKT><MA_LK>X</MA_LK><MA_DICH_VU>01.0001.0001</MA_DICH_VU><TEN_DICH_VU>Khám bệnh</TEN_DICH_VU></CHI_TIET_DVKT>", count: 110)
            + "</DSACH_CHI_TIET_DVKT></CHITIEU_CHITIET_DVKT_VTYT>").utf8).base64EncodedString()
        try handle.write(contentsOf: Data("<?xml version=\"1.0\" encoding=\"utf-8\"?><GIAMDINHHS><THONGTINHOSO><DANHSACHHOSO>".utf8))
        let patients = 4_000
        var block = ""
        for k in 0..<patients {
            let xml1 = Fixture.xml1("LK\(k)", patient: "BN\(k)")
            let xml4 = Fixture.xml4([.init(lk: "LK\(k)", name: "Glucose", value: "5,\(k % 10)", unit: "mmol/L")])
            block += "<HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>\(Data(xml1.utf8).base64EncodedString())</NOIDUNGFILE></FILEHOSO>"
                + "<FILEHOSO><LOAIHOSO>XML3</LOAIHOSO><NOIDUNGFILE>\(filler)</NOIDUNGFILE></FILEHOSO>"
                + "<FILEHOSO><LOAIHOSO>XML4</LOAIHOSO><NOIDUNGFILE>\(Data(xml4.utf8).base64EncodedString())</NOIDUNGFILE></FILEHOSO></HOSO>"
            if block.utf8.count > 1 << 20 { try handle.write(contentsOf: Data(block.utf8)); block = "" }
        }
        try handle.write(contentsOf: Data((block + "</DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>").utf8))
        try handle.close()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        #expect(size > 60_000_000)

        let result = try ClaimImport.records(paths: [(name: "large.xml", path: url.path)])
        #expect(result.rows.count == patients)
        #expect(result.problems.isEmpty, "\(result.problems.prefix(3))")
        #expect(result.rows.first.map { Dictionary(uniqueKeysWithValues: zip(result.header, $0))["fasting_glucose"] } == "5")
        // Memory: the peak resident memory of this test process is shared with every test that
        // runs at the same time, so it is measured in a process of its own: the built
        // `riskengine import xml130` reports its peak. The old tree-building reader held the file,
        // its text and a tree: several times the size.
        let binary = try #require(Self.riskengine(), "the riskengine executable is built beside the tests")
        func peakMB(importing file: URL) throws -> Int {
            let p = Process()
            p.executableURL = binary
            p.arguments = ["import", "xml130", file.path, "--output", dir.appendingPathComponent("out.csv").path]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(text)")
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("peak memory ") })
            return try #require(Int(line.split(separator: " ")[2]))
        }
        // The same process on a one-patient file: what the import of 4,000 patients (80 MB) adds
        // on top must be a small fraction of the file.
        let small = dir.appendingPathComponent("small.xml")
        let one = Fixture.xml1("LK0", patient: "BN0")
        try Data(("<?xml version=\"1.0\" encoding=\"utf-8\"?><GIAMDINHHS><THONGTINHOSO><DANHSACHHOSO><HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>"
            + Data(one.utf8).base64EncodedString() + "</NOIDUNGFILE></FILEHOSO></HOSO></DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>").utf8).write(to: small)
        let base = try peakMB(importing: small)
        let large = try peakMB(importing: url)
        #expect((large - base) * 1_048_576 < size / 8, "peak \(large) MB against \(base) MB for one patient; file \(size) bytes")
    }
}
