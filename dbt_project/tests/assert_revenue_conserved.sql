{{ config(meta={'dagster': {'ref': {'name': 'dim_accounts'}}}) }}

-- Money is conserved: the net revenue of all accepted paid invoices, in USD, equals the customers'
-- lifetime revenue plus the paid net of invoices of billing customers that are not CRM customers
-- (no account, or an account that never had a positive paid invoice). Mart values are rounded to
-- the cent, so each customer may move half a cent.
with invoices as (

    select * from {{ ref('int_billing__invoices_usd') }}
    where status = 'paid'

),

accounts as (

    select
        account_id,
        customer_status,
        lifetime_revenue_usd
    from {{ ref('dim_accounts') }}

),

all_paid as (

    select sum(net_amount_usd) as amount_usd from invoices

),

non_customer_paid as (

    select sum(invoices.net_amount_usd) as amount_usd
    from invoices
    left join accounts
        on invoices.account_id = accounts.account_id
    where accounts.customer_status is null or accounts.customer_status = 'prospect'

),

customers as (

    select
        sum(lifetime_revenue_usd) as amount_usd,
        count(lifetime_revenue_usd) as rounded_rows
    from accounts

)

select
    all_paid.amount_usd as paid_usd,
    customers.amount_usd as customers_usd,
    non_customer_paid.amount_usd as non_customers_usd
from all_paid
cross join customers
cross join non_customer_paid
where abs(
    coalesce(all_paid.amount_usd, 0) - coalesce(customers.amount_usd, 0)
    - coalesce(non_customer_paid.amount_usd, 0)
) > 0.005 * customers.rounded_rows + 0.000001
