-- Length/height or weight more than 6 SD from the WHO median for the child's age (a rough screen with
-- medians and SDs read off the WHO Child Growth Standards 2006 tables, both sexes averaged, at a few ages and
-- interpolated linearly; the exact z-scores come with the indicators). Flagged, never silently dropped.
WITH ref(months, h_median, h_sd, w_median, w_sd) AS (VALUES
    (0, 49.5, 1.9, 3.3, 0.45), (3, 60.4, 2.1, 6.0, 0.75), (6, 66.6, 2.3, 7.6, 0.85),
    (9, 71.1, 2.5, 8.6, 0.95), (12, 75.0, 2.6, 9.4, 1.05), (18, 81.7, 2.9, 10.8, 1.2),
    (24, 87.1, 3.2, 12.0, 1.4), (36, 95.6, 3.7, 14.1, 1.7), (48, 102.9, 4.2, 16.1, 2.1),
    (60, 109.6, 4.7, 18.1, 2.5)),
seg AS (
    SELECT months AS m0, lead(months) OVER w AS m1, h_median AS h0, lead(h_median) OVER w AS h1,
           h_sd AS hs0, lead(h_sd) OVER w AS hs1, w_median AS w0, lead(w_median) OVER w AS w1,
           w_sd AS ws0, lead(w_sd) OVER w AS ws1
    FROM ref WINDOW w AS (ORDER BY months)),
child AS (
    SELECT m.*, coalesce(date_sub('month', m.birth_date, h.interview_date), m.age * 12 + 6) AS months
    FROM member m JOIN household h ON h._row_key = m._parent_key
    WHERE m.age BETWEEN 0 AND 4 AND (m.height_cm IS NOT NULL OR m.weight_kg IS NOT NULL)),
scored AS (
    SELECT c.*, (c.months - s.m0) / (s.m1 - s.m0) AS t, s.*
    FROM child c JOIN seg s ON c.months >= s.m0 AND c.months < s.m1)
SELECT _submission_key AS submission_key, _row_key AS row_key, 'height_cm' AS "column",
       CAST(height_cm AS VARCHAR) AS value, CAST(months AS VARCHAR) AS months
FROM scored
WHERE abs(height_cm - (h0 + t * (h1 - h0))) > 6 * (hs0 + t * (hs1 - hs0))
UNION ALL
SELECT _submission_key, _row_key, 'weight_kg', CAST(weight_kg AS VARCHAR), CAST(months AS VARCHAR)
FROM scored
WHERE abs(weight_kg - (w0 + t * (w1 - w0))) > 6 * (ws0 + t * (ws1 - ws0))
