-- What a spike was judged with (issue 8, "explain each spike"): the band it fell outside
-- (NULL edge: infinite), the points in its window, and the season removed ('none' or a period).
-- Spikes stored before this migration keep NULLs: their explanation was not kept.
ALTER TABLE mm_spikes ADD COLUMN band_lower DOUBLE PRECISION;
ALTER TABLE mm_spikes ADD COLUMN band_upper DOUBLE PRECISION;
ALTER TABLE mm_spikes ADD COLUMN window_points INT;
ALTER TABLE mm_spikes ADD COLUMN season VARCHAR(32);
