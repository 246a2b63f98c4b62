{{ config(meta={'dagster': {'ref': {'name': 'dim_accounts'}}}) }}

-- Nothing is lost: the customers' CAC plus unattributed spend equals all marketing spend plus all
-- sales cost. Mart values are rounded to the cent, so each rounded row may move half a cent.
with cac as (

    select
        sum(cac_usd) as amount_usd,
        count(cac_usd) as rounded_rows
    from {{ ref('dim_accounts') }}

),

unattributed as (

    select
        sum(amount_usd) as amount_usd,
        count(*) as rounded_rows
    from {{ ref('fct_unattributed_spend') }}

),

spend as (

    select sum(amount_usd) as amount_usd
    from {{ ref('int_spend__monthly_usd') }}

)

select
    cac.amount_usd as cac_usd,
    unattributed.amount_usd as unattributed_usd,
    spend.amount_usd as spend_usd
from cac
cross join unattributed
cross join spend
where abs(
    coalesce(cac.amount_usd, 0)
    + coalesce(unattributed.amount_usd, 0)
    - coalesce(spend.amount_usd, 0)
) > 0.005 * (cac.rounded_rows + unattributed.rounded_rows) + 0.000001
