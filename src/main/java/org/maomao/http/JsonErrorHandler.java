package org.maomao.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The errors Jetty answers itself, before a request reaches maomao's routes (an
 * encoded '/', an ambiguous path, a bad request line, headers too large, an unknown
 * HTTP version), as maomao's JSON error with a sentence instead of an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    JsonErrorHandler() {
        setShowStacks(false);
        setShowServlet(false);
        setShowMessageInTitle(false);
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request, HttpServletResponse response,
                                              int code, String message) throws IOException {
        baseRequest.setHandled(true);
        byte[] body = body(code, message);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Errors found while parsing, before there is a request (bad request line, headers too large). */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    static byte[] body(int status, String reason) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("error", code(status));
        m.put("message", sentence(status, reason));
        try {
            return JSON.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "timeout";
            case 413 -> "too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 501 -> "not_implemented";
            case 505 -> "http_version_not_supported";
            default -> "http_" + status;
        };
    }

    private static String sentence(int status, String reason) {
        String why = reason == null || reason.isBlank() ? "" : " (" + Texts.clip(reason) + ")";
        return switch (status) {
            case 400 -> "the request is malformed" + why + ": send plain HTTP/1.1; names never hold '/', '\\\\', '..', "
                    + "NUL or percent-encoded separators.";
            case 404 -> "no such endpoint; GET /openapi.json lists them.";
            case 405, 501 -> "this method is not supported" + why + "; GET /openapi.json lists the methods of each path.";
            case 408 -> "the request was not sent completely in time; send it whole and promptly.";
            case 413 -> "the request body is larger than " + (RequestBody.MAX_BYTES >> 20) + " MiB; requests to maomao are small JSON objects.";
            case 414 -> "the request line is too long; maomao's paths and queries are short.";
            case 431 -> "the request headers are too large; maomao needs only Authorization and Content-Type.";
            case 505 -> "this HTTP version is not supported; use HTTP/1.1.";
            default -> "the request was refused with status " + status + why + ".";
        };
    }
}
