with base as (

    select * from {{ ref('base_enrichment__companies') }}

),

accepted as (

    select
        domain,
        industry,
        employee_count,
        annual_revenue_usd,
        hq_country,
        business_model,
        tech_stack,
        funding_stage,
        founded_year,
        enriched_at
    from base
    where _rejection_reason is null

)

select * from accepted
