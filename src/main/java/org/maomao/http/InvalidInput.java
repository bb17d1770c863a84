package org.maomao.http;

import java.util.function.Supplier;

import org.maomao.collector.CollectorRegistry;

/**
 * The domain refuses bad input with an {@link IllegalArgumentException} whose message is
 * the sentence for the client; here it becomes a 400 (a disallowed image a 403), so each
 * resource need not catch it.
 */
final class InvalidInput {
    private InvalidInput() {
    }

    static <T> T as400(Supplier<T> s) {
        try {
            return s.get();
        } catch (CollectorRegistry.ImageNotAllowedException e) {
            throw new ApiException(403, "image_not_allowed", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
