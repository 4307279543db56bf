import Foundation
import RiskBatch
import Testing

@Suite struct CohortColumnsTests {
    @Test func quotedFieldsCRLFAndBOM() throws {
        let c = try CohortColumns(text: "\u{FEFF}id,name,time,event\r\n1,\"A, \"\"B\"\"\",2.5,1\r\n2,C,3,0\r\n")
        #expect(c.header == ["id", "name", "time", "event"])
        #expect(try c.strings("name") == ["A, \"B\"", "C"])
        #expect(try c.numbers("time") == [2.5, 3])
        #expect(try c.events("event") == [true, false])
    }

    @Test(arguments: [
        ("id,time\n1,x\n", CohortError.notANumber(row: 1, column: "time")),
        ("id,time\n1,2\n3\n", CohortError.raggedRow(row: 2, fields: 1, expected: 2)),
        ("", CohortError.emptyInput),
    ])
    func errors(text: String, expected: CohortError) {
        #expect(throws: expected) { _ = try CohortColumns(text: text).numbers("time") }
    }

    @Test func eventMustBeZeroOrOne() throws {
        let c = try CohortColumns(text: "e\n1\n2\n")
        #expect(throws: CohortError.notAnEvent(row: 2, column: "e")) { try c.events("e") }
        #expect(throws: CohortError.missingColumn(name: "x")) { try c.strings("x") }
    }
}
