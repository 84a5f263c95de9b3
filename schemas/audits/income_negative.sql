-- A negative income: never possible; the item is left out of per-capita income.
SELECT _submission_key AS submission_key, _row_key AS row_key, 'income_labour' AS "column",
       CAST(income_labour AS VARCHAR) AS value
FROM member WHERE income_labour < 0
UNION ALL
SELECT _submission_key, _row_key, 'income_other', CAST(income_other AS VARCHAR) FROM member WHERE income_other < 0
