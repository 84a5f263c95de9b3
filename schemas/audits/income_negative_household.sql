-- A negative household income not attributed to a member.
SELECT _submission_key AS submission_key, _row_key AS row_key, 'income_household_other' AS "column",
       CAST(income_household_other AS VARCHAR) AS value
FROM household WHERE income_household_other < 0
