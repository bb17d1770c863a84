package org.maomao.http;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.javalin.http.Context;

/**
 * A request's JSON object, read strictly: a field of the wrong type or an unknown
 * field is refused with a sentence naming it, before anything acts on the request.
 */
final class JsonBody {
    private final JsonNode node;

    private JsonBody(JsonNode node) {
        this.node = node;
    }

    /** How deep a request's JSON may nest; maomao's requests are objects of scalars and one level of maps. */
    static final int MAX_DEPTH = 32;
    /** Longest number literal, in characters. */
    static final int MAX_NUMBER_LENGTH = 100;
    /** Longest string value, in characters. */
    static final int MAX_STRING_LENGTH = 64 * 1024;
    /** Longest field name, in characters. */
    static final int MAX_NAME_LENGTH = 256;

    /**
     * Reads request bodies only: bounded nesting, numbers, strings and names, so a
     * hostile body costs little and fails with a sentence; and exactly one value, so
     * {@code {"a":1} junk} or {@code {}{}} is refused instead of half-read.
     */
    private static final ObjectMapper READER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxNameLength(MAX_NAME_LENGTH)
                    .build())
            // {"name":"a","name":"b"} means two things at once: refused, not read as its last value
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Reads the request's body (at most {@link RequestBody#MAX_BYTES}) as a JSON object with only {@code allowed} fields. */
    static JsonBody read(Context ctx, Set<String> allowed) {
        return parse(RequestBody.read(ctx), allowed);
    }

    static JsonBody parse(String text, Set<String> allowed) {
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("the request body is empty: send a JSON object such as {\"name\":\"dummy\"}.");
        }
        JsonNode n;
        try {
            n = READER.readTree(text);
        } catch (StreamConstraintsException e) {
            throw new ApiException(400, "bad_json", "the request body " + limitBroken(e.getMessage())
                    + "; send one flat JSON object such as {\"name\":\"dummy\"}.");
        } catch (MismatchedInputException e) {
            throw new ApiException(400, "bad_json", "the request body must be exactly one JSON object, with nothing after it"
                    + where(e) + ".");
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "bad_json", "the request body is not valid JSON: "
                    + Texts.clip(e.getOriginalMessage()) + where(e) + ".");
        }
        if (n == null || !n.isObject()) {
            throw new ApiException(400, "bad_json", "the request body must be a JSON object such as {\"name\":\"dummy\"}.");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw ApiException.badRequest("unknown field \"" + f + "\": this endpoint takes "
                        + String.join(", ", allowed.stream().sorted().toList()) + ".");
            }
        }
        return new JsonBody(n);
    }

    /** Which limit a {@link StreamConstraintsException} reports, as the middle of a sentence. */
    private static String limitBroken(String message) {
        String m = message == null ? "" : message;
        if (m.contains("nesting depth")) {
            return "nests deeper than " + MAX_DEPTH + " levels";
        }
        if (m.contains("Number value length")) {
            return "holds a number longer than " + MAX_NUMBER_LENGTH + " characters";
        }
        if (m.contains("Name length")) {
            return "holds a field name longer than " + MAX_NAME_LENGTH + " characters";
        }
        if (m.contains("String value length")) {
            return "holds a string longer than " + MAX_STRING_LENGTH + " characters";
        }
        return "is larger than maomao reads";
    }

    /** " (line L, column C)" when the parser knows where, else "". */
    private static String where(JsonProcessingException e) {
        var loc = e.getLocation();
        return loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }

    /** A string field; null when absent or JSON null. */
    String string(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(field, "a string", v);
        }
        return wellFormed(field, v.asText());
    }

    String requiredString(String field) {
        String s = string(field);
        if (s == null) {
            throw ApiException.badRequest("field \"" + field + "\" is missing.");
        }
        return s;
    }

    boolean bool(String field, boolean absent) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw wrongType(field, "true or false", v);
        }
        return v.booleanValue();
    }

    /** A field that may be a string or a number, returned as text (policy settings). */
    String scalar(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw wrongType(field, "a string or a number", v);
        }
        return wellFormed(field, v.asText());
    }

    /** An object of string values (such as {@code env}); empty when absent. */
    Map<String, String> stringMap(String field) {
        return objectOf(field, false);
    }

    /** An object of string or number values (such as {@code spike}), as text; empty when absent. */
    Map<String, String> scalarMap(String field) {
        return objectOf(field, true);
    }

    private Map<String, String> objectOf(String field, boolean numbers) {
        JsonNode v = node.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw wrongType(field, "an object of strings such as {\"KEY\":\"value\"}", v);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual() && !(numbers && e.getValue().isNumber())) {
                throw wrongType(field + "." + e.getKey(), numbers ? "a string or a number" : "a string", e.getValue());
            }
            out.put(wellFormed(field + " key", e.getKey()), wellFormed(field + "." + e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    /**
     * {@code text}, refused when it holds half of a UTF-16 surrogate pair ({@code "\ud800"} alone): JSON
     * lets a client write one, but it is no character, and the stores would keep a '?' in its place
     * while the client was told its value was taken.
     */
    private static String wellFormed(String field, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw ApiException.badRequest("field \"" + field + "\" holds an unpaired surrogate (\\u"
                        + Integer.toHexString(c) + "), which is no character: send text as UTF-8.");
            }
        }
        return text;
    }

    /** The given scalar fields that are present, as text. */
    Map<String, String> scalars(Set<String> fields) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String f : fields) {
            String v = scalar(f);
            if (v != null) {
                out.put(f, v);
            }
        }
        return out;
    }

    private static ApiException wrongType(String field, String expected, JsonNode v) {
        return badRequestType("field \"" + field + "\" must be " + expected + ", not " + kind(v) + ".");
    }

    private static ApiException badRequestType(String message) {
        return new ApiException(400, "bad_type", message);
    }

    private static String kind(JsonNode v) {
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isNumber()) {
            return "a number";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        if (v.isArray()) {
            return "an array";
        }
        return v.isObject() ? "an object" : "null";
    }
}
