-- Every household visit that came in, whatever its result or validation status (coverage indicators).
SELECT h._row_key, h._status, h.visit_result, h.consent,
       coalesce(CAST(h.ubigeo AS VARCHAR), (SELECT ubigeo FROM params)) AS district, h.sector, h.grupo,
       CAST({{ weight }} AS DOUBLE) AS weight
FROM clean.household h
