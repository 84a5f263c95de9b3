-- Monthly incomes above 30,000 soles (more than 25 times the minimum wage): possible, but check the zeros.
SELECT _submission_key AS submission_key, _row_key AS row_key, 'income_labour' AS "column",
       CAST(income_labour AS VARCHAR) AS value
FROM member WHERE income_labour > 30000
UNION ALL
SELECT _submission_key, _row_key, 'income_other', CAST(income_other AS VARCHAR) FROM member WHERE income_other > 30000
