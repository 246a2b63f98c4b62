-- int_icp__account_fit lists an account's reasons and gaps as the bits of a bigint, exact up to
-- 52 criteria in the current version. Rows returned: a version with more (split it up or raise
-- the limit with a wider encoding).
select
    icp_version,
    count(*) as criteria
from {{ ref('int_icp__current_criteria') }}
group by icp_version
having count(*) > 52
