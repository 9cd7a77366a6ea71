package org.ffebm.app;

import org.ffebm.core.io.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-written JSON: escaping, numbers in any default locale, non-finite values, nesting. */
class JsonTest {

    @Test
    void escapesEverythingThatNeedsIt() {
        String nasty = "a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fj\u2028k/é";
        assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u001fj\\u2028k/é\"", Json.string(nasty));
        assertEquals(nasty, JsonParser.parse(Json.string(nasty)));
    }

    @Test
    void numbersDoNotDependOnTheLocaleAndNonFiniteIsNull() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("0.8125", Json.number(0.8125));
            assertEquals("1.0E-5", Json.number(1e-5));
            assertEquals("null", Json.number(Double.NaN));
            assertEquals("null", Json.number(Double.POSITIVE_INFINITY));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void nestedValuesRoundTripThroughAStrictParser() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("int", 3);
        o.put("long", 1L << 40);
        o.put("double", 0.1);
        o.put("tiny", 1e-300);
        o.put("nan", Double.NaN);
        o.put("bool", true);
        o.put("null", null);
        o.put("list", List.of(1, "two", List.of()));
        o.put("empty", Map.of());
        for (String text : new String[] {Json.write(o), Json.writeCompact(o)}) {
            Map<String, Object> back = JsonParser.object(text);
            assertEquals(Arrays.asList(o.keySet().toArray()), Arrays.asList(back.keySet().toArray()));
            assertEquals(3.0, back.get("int"));
            assertEquals((double) (1L << 40), back.get("long"));
            assertEquals(0.1, back.get("double"));
            assertEquals(1e-300, back.get("tiny"));
            assertEquals(null, back.get("nan"));
            assertEquals(true, back.get("bool"));
            assertEquals(List.of(1.0, "two", List.of()), back.get("list"));
            assertEquals(Map.of(), back.get("empty"));
        }
    }

    @Test
    void rejectsValuesItCannotWrite() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
    }
}
