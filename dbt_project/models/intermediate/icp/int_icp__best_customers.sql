{#- Customers ranked by LTV (as shown in dim_accounts, to the cent; ties by account_id). The best
    customers are the first ceil(best_customer_share x customers). -#}

with unit_economics as (

    select
        account_id,
        round(ltv_usd, 2) as ltv_usd
    from {{ ref('int_accounts__unit_economics') }}

),

ranked as (

    select
        account_id,
        ltv_usd,
        row_number() over (order by ltv_usd desc, account_id asc) as ltv_rank,
        count(*) over () as customers
    from unit_economics

),

final as (

    select
        account_id,
        ltv_usd,
        ltv_rank,
        {{ is_best_customer('ltv_rank', 'customers') }} as is_best_customer
    from ranked

)

select * from final
