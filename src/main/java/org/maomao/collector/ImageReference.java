package org.maomao.collector;

import java.util.regex.Pattern;

/**
 * Docker's image reference grammar (distribution/reference), checked before an image
 * is matched against {@code allowed_images}: a glob such as {@code maomao/*} must not
 * match {@code maomao/../x} or anything else the engine would read differently from
 * how the glob reads it. Stricter than Docker in one way: a registry host must be
 * lowercase too, so that one image has one spelling.
 */
public final class ImageReference {
    /** Docker's own limit on the length of a repository name. */
    public static final int MAX_NAME_LENGTH = 255;

    private static final String ALNUM = "[a-z0-9]+";
    private static final String SEPARATOR = "(?:[._]|__|-+)";
    private static final String PATH_COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
    private static final String DOMAIN_COMPONENT = "(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])";
    private static final String DOMAIN = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]{1,5})?";
    private static final String NAME = "(?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
    private static final String TAG = "[\\w][\\w.-]{0,127}";
    private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    private static final Pattern REFERENCE = Pattern.compile("(" + NAME + ")(?::" + TAG + ")?(?:@" + DIGEST + ")?");
    /** Docker refuses a bare 64-hex name: it would be read as an image id. */
    private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");

    private ImageReference() {
    }

    /** Throws {@link IllegalArgumentException} with a sentence unless {@code image} is a valid reference. */
    public static String require(String image) {
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("image is missing: give the Docker image to run, e.g. \"maomao/dummy:latest\".");
        }
        var m = REFERENCE.matcher(image);
        if (image.length() > MAX_NAME_LENGTH + 200 || !m.matches() || m.group(1).length() > MAX_NAME_LENGTH
                || HEX64.matcher(image).matches()) {
            throw new IllegalArgumentException("image \"" + printable(image) + "\" is not a Docker image reference: "
                    + "write [registry/]path[:tag][@digest] with lowercase path parts such as \"maomao/dummy:latest\" "
                    + "(no \"..\", \".\", spaces or uppercase in the path).");
        }
        return image;
    }

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 77) + "..." : s;
        StringBuilder b = new StringBuilder();
        for (char ch : t.toCharArray()) {
            b.append(ch < 0x20 || ch == 0x7f ? '?' : ch);
        }
        return b.toString();
    }
}
