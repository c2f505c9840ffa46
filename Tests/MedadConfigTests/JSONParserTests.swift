import MedadConfig
import MedadSupport
import Testing

@Suite struct JSONParserTests {
    @Test func parsesEveryKindAndKeepsKeyOrder() throws {
        let value = try JSONParser.parse(#"{"b": [1, 2.5, -3e2], "a": {"x": true, "y": null}, "s": "h\u00e9\n"}"#, source: "t")
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.keys == ["b", "a", "s"])
        #expect(object["b"] == .array([.number(1), .number(2.5), .number(-300)]))
        #expect(object["s"] == .string("hé\n"))
        #expect(value.canonical == #"{"a":{"x":true,"y":null},"b":[1,2.5,-300],"s":"hé\n"}"#)
    }

    @Test func canonicalRoundTrips() throws {
        let text = #"{"z":[{"q":0.125}],"a":"\"quoted\""}"#
        let value = try JSONParser.parse(text, source: "t")
        #expect(try JSONParser.parse(value.canonical, source: "t") == value)
        #expect(try JSONParser.parse(value.pretty(), source: "t") == value)
    }

    @Test(arguments: [
        ("{\"a\": 1,\n \"a\": 2}", "t:2:2: key \"a\" appears twice"),
        ("{\"a\": 01}", "t:1:7: invalid number (leading zero)"),
        ("[1, 2", "t:1:6: unexpected end of file inside a list"),
        ("{\"a\" 1}", "t:1:6: expected ':' after the key \"a\""),
        ("[1] x", "t:1:5: unexpected text after the JSON value"),
        ("\"abc", "t:1:5: unterminated string"),
    ])
    func errorsNameLineAndColumn(text: String, message: String) {
        do {
            _ = try JSONParser.parse(text, source: "t")
            Issue.record("parsed invalid JSON \(text)")
        } catch let error as MedadError {
            #expect(error.message.hasPrefix(message), "got: \(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
