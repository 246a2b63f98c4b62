with channel_months as (

    select * from {{ ref('int_cac__channel_months') }}

),

final as (

    select
        month,
        channel,
        new_customers,
        round(marketing_spend_usd, 2) as marketing_spend_usd,
        round(channel_cac_usd, 2) as channel_cac_usd,
        round(sales_cac_usd, 2) as sales_cac_usd
    from channel_months

)

select * from final
